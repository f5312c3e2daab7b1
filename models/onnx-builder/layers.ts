/**
 * Composite layers built from plain opset-17 ops: linear, LayerNorm, MLP, multi-head attention, L2 normalisation.
 * Weights are drawn from the given seeded stream in a fixed order, so the same seed gives the same model.
 */
import type { GraphBuilder } from './graph-builder.js';
import type { Rng } from './prng.js';

/** Linear layer on the last axis: x [..., inDim] → [..., outDim] = x·W + b, W ~ N(0, 1/inDim). */
export function linear(
  b: GraphBuilder,
  rng: Rng,
  x: string,
  dims: { inDim: number; outDim: number; bias?: boolean; std?: number; name?: string },
): string {
  const name = dims.name ?? 'linear';
  const w = b.weight(rng, [dims.inDim, dims.outDim], dims.std ?? 1 / Math.sqrt(dims.inDim), `${name}.weight`);
  const y = b.matMul(x, w);
  if (dims.bias === false) return y;
  return b.add(y, b.weight(rng, [dims.outDim], 0.02, `${name}.bias`));
}

/** LayerNormalization over the last axis with near-identity scale and small random shift (eps 1e-5). */
export function layerNorm(b: GraphBuilder, rng: Rng, x: string, dim: number, name = 'ln'): string {
  const scale = b.floatInit(Float32Array.from({ length: dim }, () => 1 + 0.1 * rng.normal()), [dim], `${name}.weight`);
  const shift = b.weight(rng, [dim], 0.02, `${name}.bias`);
  return b.op('LayerNormalization', [x, scale, shift], { axis: -1, epsilon: { float: 1e-5 } });
}

/** CLIP's quick_gelu: x·sigmoid(1.702·x). */
export function quickGelu(b: GraphBuilder, x: string): string {
  return b.mul(x, b.sigmoid(b.mul(x, b.constFloat(1.702))));
}

/** Exact GELU: 0.5·x·(1 + erf(x/√2)). */
export function gelu(b: GraphBuilder, x: string): string {
  const inner = b.op('Erf', [b.mul(x, b.constFloat(Math.SQRT1_2))]);
  return b.mul(b.mul(x, b.constFloat(0.5)), b.add(inner, b.constFloat(1)));
}

/** Transformer MLP: Linear(d→hidden), quick_gelu, Linear(hidden→d). */
export function mlp(b: GraphBuilder, rng: Rng, x: string, dim: number, hidden: number, name = 'mlp'): string {
  const h = quickGelu(b, linear(b, rng, x, { inDim: dim, outDim: hidden, name: `${name}.fc1` }));
  return linear(b, rng, h, { inDim: hidden, outDim: dim, name: `${name}.fc2` });
}

/** Shape of {@link attention}'s options. */
export interface AttentionOptions {
  /** Query source [B, Tq, dim]. */
  query: string;
  /** Key/value source [B, Tk, kvDim]; defaults to the query (self-attention). */
  context?: string;
  dim: number;
  kvDim?: number;
  heads: number;
  /** Additive mask broadcastable to [B, heads, Tq, Tk] (0 keeps, large negative drops). */
  mask?: string;
  /** Skip the output projection (when the caller sums several attention outputs first). */
  noOutProj?: boolean;
  /** Precomputed projected queries [B, heads, Tq, headDim] (decoupled attention shares one Q). */
  projectedQuery?: string;
  name?: string;
}

/** Splits [B, T, dim] into heads: [B, heads, T, dim/heads] (or [B, heads, dim/heads, T] when `keys`). */
export function splitHeads(b: GraphBuilder, x: string, heads: number, headDim: number, keys = false): string {
  const r = b.reshape(x, [0, 0, heads, headDim]);
  return b.transpose(r, keys ? [0, 2, 3, 1] : [0, 2, 1, 3]);
}

/** Projects queries for {@link attention}: [B, Tq, dim] → [B, heads, Tq, dim/heads]. */
export function projectQuery(b: GraphBuilder, rng: Rng, x: string, o: { dim: number; heads: number; name?: string }) {
  const q = linear(b, rng, x, { inDim: o.dim, outDim: o.dim, bias: false, name: `${o.name ?? 'attn'}.to_q` });
  return splitHeads(b, q, o.heads, o.dim / o.heads);
}

/**
 * Multi-head scaled dot-product attention with a real softmax over the key tokens:
 * softmax(Q·Kᵀ/√d + mask)·V, heads merged back to [B, Tq, dim], then an output projection (unless `noOutProj`).
 */
export function attention(b: GraphBuilder, rng: Rng, o: AttentionOptions): string {
  const name = o.name ?? 'attn';
  const headDim = o.dim / o.heads;
  if (!Number.isInteger(headDim)) throw new Error(`attention '${name}': dim ${o.dim} not divisible by ${o.heads} heads`);
  const kvDim = o.kvDim ?? o.dim;
  const ctx = o.context ?? o.query;
  const q = o.projectedQuery ?? projectQuery(b, rng, o.query, { dim: o.dim, heads: o.heads, name });
  const k = linear(b, rng, ctx, { inDim: kvDim, outDim: o.dim, bias: false, name: `${name}.to_k` });
  const v = linear(b, rng, ctx, { inDim: kvDim, outDim: o.dim, bias: false, name: `${name}.to_v` });
  return attendWith(b, rng, { ...o, name, q, k: splitHeads(b, k, o.heads, headDim, true), v: splitHeads(b, v, o.heads, headDim) });
}

/** Attention core on already split heads (q [B,h,Tq,d], k [B,h,d,Tk], v [B,h,Tk,d]); see {@link attention}. */
export function attendWith(
  b: GraphBuilder,
  rng: Rng,
  o: { q: string; k: string; v: string; dim: number; heads: number; mask?: string; noOutProj?: boolean; name: string },
): string {
  let scores = b.mul(b.matMul(o.q, o.k), b.constFloat(1 / Math.sqrt(o.dim / o.heads)));
  if (o.mask) scores = b.add(scores, o.mask);
  const attended = b.matMul(b.softmax(scores, -1), o.v);
  const merged = b.reshape(b.transpose(attended, [0, 2, 1, 3]), [0, 0, o.dim]);
  if (o.noOutProj) return merged;
  return linear(b, rng, merged, { inDim: o.dim, outDim: o.dim, name: `${o.name}.to_out` });
}

/** Pre-norm transformer layer: x + attn(LN(x)), then x + mlp(LN(x)). `mask` is additive, as in {@link attention}. */
export function transformerLayer(
  b: GraphBuilder,
  rng: Rng,
  o: { x: string; dim: number; heads: number; mask?: string; name: string },
): string {
  const a = attention(b, rng, { query: layerNorm(b, rng, o.x, o.dim, `${o.name}.ln1`), dim: o.dim, heads: o.heads, mask: o.mask, name: `${o.name}.attn` });
  const x = b.add(o.x, a);
  return b.add(x, mlp(b, rng, layerNorm(b, rng, x, o.dim, `${o.name}.ln2`), o.dim, 4 * o.dim, `${o.name}.mlp`));
}

/** L2-normalises the last axis: x / ‖x‖ (as HF CLIPModel does before its logits). */
export function l2Normalize(b: GraphBuilder, x: string): string {
  return b.div(x, b.op('ReduceL2', [x], { axes: [-1], keepdims: 1 }));
}

/** Broadcasts a [1, ...rest] constant to the batch size of `like` (first axis of `like`). */
export function expandToBatch(b: GraphBuilder, value: string, like: string, rest: readonly number[]): string {
  const batch = b.slice(b.shape(like), [0], [1], [0]);
  const shape = b.concat([batch, b.constInt64(rest, [rest.length], 'rest')], 0);
  return b.op('Expand', [value, shape]);
}

/** Shape of {@link conv2d}'s options. */
export interface Conv2dOptions {
  inCh: number;
  outCh: number;
  kernel: number;
  /** Default 1. */
  stride?: number;
  /** Symmetric zero padding; default `floor(kernel/2)` when stride is 1, else 0. */
  pad?: number;
  /** Default true. */
  bias?: boolean;
  /** Weight std; default 1/√(inCh·k²). */
  std?: number;
  name?: string;
}

/** 2-D convolution on NCHW input: [B, inCh, H, W] → [B, outCh, H', W']. */
export function conv2d(b: GraphBuilder, rng: Rng, x: string, o: Conv2dOptions): string {
  const name = o.name ?? 'conv';
  const k = o.kernel;
  const stride = o.stride ?? 1;
  const pad = o.pad ?? (stride === 1 ? Math.floor(k / 2) : 0);
  const w = b.weight(rng, [o.outCh, o.inCh, k, k], o.std ?? 1 / Math.sqrt(o.inCh * k * k), `${name}.weight`);
  const inputs = [x, w];
  if (o.bias !== false) inputs.push(b.weight(rng, [o.outCh], 0.02, `${name}.bias`));
  return b.op('Conv', inputs, { kernel_shape: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad] });
}
