/**
 * torch layers (LDM/CompVis, HF CLIP) as ONNX ops, with weights taken from a checkpoint by key (see
 * `weight-plan.ts`). Patterns follow what ONNX Runtime fuses on CPU and CUDA (docs/ldm-checkpoints.md):
 * GroupNorm is a Reshape → InstanceNormalization → Reshape → Mul/Add (the torch exporter's form), GELU is the Erf
 * form ORT's GeluFusion matches, LayerNorm is the opset-17 op, attention is MatMul → Softmax → MatMul with the
 * fused contrib op `com.microsoft.MultiHeadAttention` (flash attention on CPU).
 */
import type { GraphBuilder } from '../onnx-builder/graph-builder.js';
import type { WeightPlan } from './weight-plan.js';

/** The builder plus the checkpoint's weights. */
export interface Net {
  readonly b: GraphBuilder;
  readonly w: WeightPlan;
}

/** torch `GroupNorm(groups, C, eps)` on [B, C, ...]: `<key>.weight`, `<key>.bias` of shape [C]. */
export function groupNorm(n: Net, x: string, key: string, o: { channels: number; groups?: number; eps: number }): string {
  const { b, w } = n;
  const g = o.groups ?? 32;
  if (o.channels % g !== 0) throw new Error(`${key}: GroupNorm(${g}) needs channels divisible by ${g}, got ${o.channels}`);
  const grouped = b.reshape(x, [0, g, -1]);
  const ones = b.constFloat(new Float32Array(g).fill(1), [g], 'gn_one');
  const zeros = b.constFloat(new Float32Array(g), [g], 'gn_zero');
  const normed = b.op('InstanceNormalization', [grouped, ones, zeros], { epsilon: { float: o.eps } });
  const back = b.op('Reshape', [normed, b.shape(x)]);
  const gamma = b.reshape(w.param(b, `${key}.weight`, [o.channels]), [o.channels, 1, 1]);
  const beta = b.reshape(w.param(b, `${key}.bias`, [o.channels]), [o.channels, 1, 1]);
  return b.add(b.mul(back, gamma), beta);
}

/** torch `Conv2d`: `<key>.weight` [out, in, k, k] and `<key>.bias` [out]; symmetric padding `pad` (default k/2). */
export function conv(n: Net, x: string, key: string, o: { inCh: number; outCh: number; kernel: number; stride?: number; pad?: number }): string {
  const { b, w } = n;
  const k = o.kernel;
  const pad = o.pad ?? Math.floor(k / 2);
  const weight = w.param(b, `${key}.weight`, [o.outCh, o.inCh, k, k]);
  const bias = w.param(b, `${key}.bias`, [o.outCh]);
  const s = o.stride ?? 1;
  return b.op('Conv', [x, weight, bias], { kernel_shape: [k, k], strides: [s, s], pads: [pad, pad, pad, pad] });
}

/**
 * torch `Linear` on the last axis: `<key>.weight` [out, in] (a 1×1 conv's [out, in, 1, 1] is accepted too, as the
 * LDM VAE stores its attention projections), optional `<key>.bias` [out].
 */
export function linear(n: Net, x: string, key: string, o: { inDim: number; outDim: number; bias?: boolean }): string {
  const { b, w } = n;
  const stored = w.shape(`${key}.weight`);
  const expect = stored.length === 4 ? [o.outDim, o.inDim, 1, 1] : [o.outDim, o.inDim];
  const y = b.matMul(x, w.param(b, `${key}.weight`, expect, 'linear'));
  if (o.bias === false) return y;
  return b.add(y, w.param(b, `${key}.bias`, [o.outDim]));
}

/** torch `LayerNorm(dim, eps)` over the last axis. */
export function layerNorm(n: Net, x: string, key: string, dim: number, eps = 1e-5): string {
  const { b, w } = n;
  const scale = w.param(b, `${key}.weight`, [dim]);
  const shift = w.param(b, `${key}.bias`, [dim]);
  return b.op('LayerNormalization', [x, scale, shift], { axis: -1, epsilon: { float: eps } });
}

/** SiLU as x·sigmoid(x) (ORT fuses it on CUDA; plain ops on CPU). */
export function silu(n: Net, x: string): string {
  return n.b.silu(x);
}

/** Exact GELU in the Erf form ORT's GeluFusion recognises: x·0.5·(1 + erf(x/√2)). */
export function gelu(n: Net, x: string): string {
  const { b } = n;
  const inner = b.add(b.op('Erf', [b.div(x, b.constFloat(Math.SQRT2))]), b.constFloat(1));
  return b.mul(b.mul(x, inner), b.constFloat(0.5));
}

/** [B, T, heads·d] → [B, heads, T, d]. */
export function heads(n: Net, x: string, h: number, d: number): string {
  return n.b.transpose(n.b.reshape(x, [0, 0, h, d]), [0, 2, 1, 3]);
}

/**
 * Multi-head attention on unsplit projections (q [B, Tq, h·d], k and v [B, Tk, h·d]) → [B, Tq, h·d], as ONNX
 * Runtime's fused `com.microsoft.MultiHeadAttention` (softmax(q·kᵀ/√d)·v per head). Its CPU kernel computes the
 * softmax in blocks (flash attention), so the [Tq, Tk] score matrix of a 4096-token self-attention is never held
 * whole: the difference between 1 GB and a few MB per layer at 512².
 */
export function fusedAttention(n: Net, o: { q: string; k: string; v: string; heads: number }): string {
  return n.b.msOp('MultiHeadAttention', [o.q, o.k, o.v], { num_heads: o.heads });
}

/** [B, C, H, W] → [B, H·W, C]. */
export function toTokens(n: Net, x: string): string {
  return n.b.transpose(n.b.reshape(x, [0, 0, -1]), [0, 2, 1]);
}

/** [B, H·W, C] → the shape of `like` ([B, C, H, W]). */
export function fromTokens(n: Net, tokens: string, like: string): string {
  return n.b.op('Reshape', [n.b.transpose(tokens, [0, 2, 1]), n.b.shape(like)]);
}

/** Nearest-neighbour ×2 up-sampling of [B, C, H, W] (torch `interpolate(scale_factor=2, mode="nearest")`). */
export function upsampleNearest2x(n: Net, x: string): string {
  const { b } = n;
  return b.op('Resize', [x, '', b.constFloat([1, 1, 2, 2], [4], 'scales')], { mode: 'nearest', nearest_mode: 'floor', coordinate_transformation_mode: 'asymmetric' });
}
