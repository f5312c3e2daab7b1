/**
 * The CLIP text tower's forward pass for prompt learning, written so the backward pass (tower-backward.ts) can reuse
 * its intermediate values. Same maths and weights as models/clip/hf-text-tower.ts (pre-LN layers, causal softmax
 * attention, quick-GELU or GELU, final LayerNorm at EOS, projection) in both key layouts; the test checks the two
 * graphs agree. Differences in form, for the backward pass:
 * - the hidden state is 2-D [R, d] with R = 2·T rows (both prompts' tokens), so every linear layer is a Gemm on the
 *   stored [out, in] weight (transB) and its backward a Gemm on the same weight: one copy of each weight;
 * - q, k and v use one stacked [3d, d] weight (OpenCLIP's `in_proj_weight`; HF's three are concatenated, which
 *   onnxruntime folds into a constant when it loads the graph);
 * - each LayerNormalization also returns its mean and 1/σ (the op's optional outputs);
 * - EOS pooling is a product with the one-hot rows E [2, R], so its backward is Eᵀ·(∂pooled).
 */
import type { GraphBuilder } from '../onnx-builder/graph-builder.js';
import type { HfTextTowerStructure } from '../clip/hf-text-tower.js';
import type { WeightPlan } from '../weights/weight-plan.js';
import { gemm } from '../declip/train/graph-ops.js';

/** Builder plus weights. */
export interface TowerNet {
  readonly b: GraphBuilder;
  readonly w: WeightPlan;
  readonly s: HfTextTowerStructure;
  readonly prefix: string;
}

/** A LayerNormalization's values: y, its input, mean and 1/σ per row, and γ. */
export interface LayerNormValues {
  readonly x: string;
  readonly y: string;
  readonly mean: string;
  readonly invStd: string;
  readonly gamma: string;
}

/** Weights of one layer as value names (stored layouts). */
export interface LayerWeights {
  readonly ln1: [string, string];
  /** [3d, d] and [3d]. */
  readonly qkv: [string, string];
  readonly out: [string, string];
  readonly ln2: [string, string];
  /** [I, d], [I]. */
  readonly fc1: [string, string];
  /** [d, I], [d]. */
  readonly fc2: [string, string];
}

/** What one layer's forward keeps for the backward pass. */
export interface LayerForward {
  readonly weights: LayerWeights;
  readonly ln1: LayerNormValues;
  /** Per-head q (unscaled), k, v [2, H, T, hd]. */
  readonly q: string;
  readonly k: string;
  readonly v: string;
  /** Attention probabilities [2, H, T, T]. */
  readonly probs: string;
  readonly ln2: LayerNormValues;
  /** MLP pre-activation [R, I]. */
  readonly pre: string;
  /** The activation's helper value: σ(1.702·x) (quick-GELU) or Φ(x) (GELU) [R, I]. */
  readonly gate: string;
  /** Layer output [R, d]. */
  readonly out: string;
}

/** The tower's values {@link towerForward} returns. */
export interface TowerForward {
  readonly layers: readonly LayerForward[];
  /** One-hot EOS rows E [2, R]. */
  readonly eosRows: string;
  readonly final: LayerNormValues;
  /** Pooled (final-LN'd EOS state) [2, d]. */
  readonly pooled: string;
  /** Projection weight as stored. */
  readonly projection: string;
  /** Projected text embedding [2, P] (not normalised). */
  readonly embeds: string;
}

function keysOf(prefix: string, s: HfTextTowerStructure) {
  const hf = (s.layout ?? 'hf') === 'hf';
  return hf
    ? { tokens: `${prefix}embeddings.token_embedding.weight`, positions: `${prefix}embeddings.position_embedding.weight`, layers: `${prefix}encoder.layers.`, final: `${prefix}final_layer_norm`, ln1: 'layer_norm1', ln2: 'layer_norm2', out: 'self_attn.out_proj', fc1: 'mlp.fc1', fc2: 'mlp.fc2' }
    : { tokens: `${prefix}token_embedding.weight`, positions: `${prefix}positional_embedding`, layers: `${prefix}transformer.resblocks.`, final: `${prefix}ln_final`, ln1: 'ln_1', ln2: 'ln_2', out: 'attn.out_proj', fc1: 'mlp.c_fc', fc2: 'mlp.c_proj' };
}

function pair(n: TowerNet, key: string, dims: readonly number[]): [string, string] {
  return [n.w.param(n.b, `${key}.weight`, dims), n.w.param(n.b, `${key}.bias`, [dims[0]!])];
}

function layerWeights(n: TowerNet, i: number): LayerWeights {
  const { b, w, s } = n;
  const k = keysOf(n.prefix, s);
  const key = `${k.layers}${i}`;
  const d = s.width;
  let qkv: [string, string];
  if ((s.layout ?? 'hf') === 'hf') {
    const parts = ['q_proj', 'k_proj', 'v_proj'].map((p) => pair(n, `${key}.self_attn.${p}`, [d, d]));
    qkv = [b.concat(parts.map((p) => p[0]), 0), b.concat(parts.map((p) => p[1]), 0)];
  } else {
    qkv = [w.param(b, `${key}.attn.in_proj_weight`, [3 * d, d]), w.param(b, `${key}.attn.in_proj_bias`, [3 * d])];
  }
  return {
    ln1: pair(n, `${key}.${k.ln1}`, [d]), qkv, out: pair(n, `${key}.${k.out}`, [d, d]), ln2: pair(n, `${key}.${k.ln2}`, [d]),
    fc1: pair(n, `${key}.${k.fc1}`, [s.intermediate, d]), fc2: pair(n, `${key}.${k.fc2}`, [d, s.intermediate]),
  };
}

/** LayerNormalization over the last axis with its mean and 1/σ outputs. */
export function layerNormWithStats(b: GraphBuilder, x: string, [gamma, beta]: [string, string], eps: number): LayerNormValues {
  const y = b.fresh('ln');
  const mean = b.fresh('ln_mean');
  const invStd = b.fresh('ln_inv_std');
  b.node('LayerNormalization', [x, gamma, beta], [y, mean, invStd], { axis: -1, epsilon: { float: eps } });
  return { x, y, mean, invStd, gamma };
}

/** [R, d] → [2, H, T, hd]. */
export function toHeads(b: GraphBuilder, x: string, s: HfTextTowerStructure): string {
  return b.transpose(b.reshape(x, [2, -1, s.heads, s.width / s.heads]), [0, 2, 1, 3]);
}

/** [2, H, T, hd] → [R, d]. */
export function fromHeads(b: GraphBuilder, x: string, s: HfTextTowerStructure): string {
  return b.reshape(b.transpose(x, [0, 2, 1, 3]), [-1, s.width]);
}

/** quick-GELU x·σ(1.702x) or GELU x·Φ(x); returns the value and the gate σ(1.702x) / Φ(x). */
function activation(b: GraphBuilder, x: string, s: HfTextTowerStructure): { y: string; gate: string } {
  const gate = s.activation === 'gelu'
    ? b.mul(b.add(b.op('Erf', [b.mul(x, b.constFloat(Math.SQRT1_2))]), b.constFloat(1)), b.constFloat(0.5))
    : b.sigmoid(b.mul(x, b.constFloat(1.702)));
  return { y: b.mul(x, gate), gate };
}

function layerForward(n: TowerNet, x: string, i: number, mask: string): LayerForward {
  const { b, s } = n;
  const d = s.width;
  const weights = layerWeights(n, i);
  const ln1 = layerNormWithStats(b, x, weights.ln1, s.eps);
  const stacked = gemm(b, ln1.y, weights.qkv[0], { transB: true, c: weights.qkv[1] });
  const qkv = [b.fresh('q'), b.fresh('k'), b.fresh('v')];
  b.node('Split', [stacked, b.constInt64([d, d, d])], qkv, { axis: 1 });
  const [q, k, v] = qkv.map((t) => toHeads(b, t, s)) as [string, string, string];
  const scale = b.constFloat(1 / Math.sqrt(d / s.heads));
  const scores = b.add(b.matMul(b.mul(q, scale), b.transpose(k, [0, 1, 3, 2])), mask);
  const probs = b.softmax(scores, -1);
  const attended = fromHeads(b, b.matMul(probs, v), s);
  const x1 = b.add(x, gemm(b, attended, weights.out[0], { transB: true, c: weights.out[1] }));
  const ln2 = layerNormWithStats(b, x1, weights.ln2, s.eps);
  const pre = gemm(b, ln2.y, weights.fc1[0], { transB: true, c: weights.fc1[1] });
  const act = activation(b, pre, s);
  const out = b.add(x1, gemm(b, act.y, weights.fc2[0], { transB: true, c: weights.fc2[1] }));
  return { weights, ln1, q, k, v, probs, ln2, pre, gate: act.gate, out };
}

/** Causal mask [1, 1, T, T] (−1e9 above the diagonal), cut from the full [P, P] one to T = `seqLen` (int64 [1]). */
function causalMask(b: GraphBuilder, positions: number, seqLen: string): string {
  const P = positions;
  const full = Float32Array.from({ length: P * P }, (_, i) => (i % P > Math.floor(i / P) ? -1e9 : 0));
  return b.slice(b.constFloat(full, [1, 1, P, P], 'causal'), b.constInt64([0, 0]), b.concat([seqLen, seqLen], 0), [2, 3]);
}

/** Inputs of {@link towerForward}. */
export interface TowerForwardInputs {
  /** Token embeddings with the context in place [2, T, d]. */
  readonly tokens: string;
  /** EOS position per row, int64 [2]. */
  readonly eosIndex: string;
}

/** The token table lookup: ids [2, T] → [2, T, d]. */
export function tokenEmbeddings(n: TowerNet, ids: string): string {
  const k = keysOf(n.prefix, n.s);
  return n.b.gather(n.w.param(n.b, k.tokens, [n.s.vocabSize, n.s.width]), ids);
}

/** Forward pass from token embeddings to the projected EOS embedding; see the module comment. */
export function towerForward(n: TowerNet, o: TowerForwardInputs): TowerForward {
  const { b, w, s } = n;
  if (!s.projectionKey) throw new Error('prompt learning needs the text projection (text_projection), which this text tower lacks');
  const k = keysOf(n.prefix, s);
  const seqLen = b.slice(b.shape(o.tokens), [1], [2], [0]);
  const withPos = b.add(o.tokens, b.slice(w.param(b, k.positions, [s.positions, s.width]), [0], seqLen, [0]));
  let x = b.reshape(withPos, [-1, s.width]);
  const mask = causalMask(b, s.positions, seqLen);
  const layers: LayerForward[] = [];
  for (let i = 0; i < s.layers; i++) {
    const l = layerForward(n, x, i, mask);
    layers.push(l);
    x = l.out;
  }
  const eosRows = eosOneHot(b, o.eosIndex, seqLen);
  const final = layerNormWithStats(b, b.matMul(eosRows, x), pair(n, k.final, [s.width]), s.eps);
  const hf = (s.layout ?? 'hf') === 'hf';
  const projection = w.param(b, s.projectionKey, hf ? [s.projectionDim, s.width] : [s.width, s.projectionDim]);
  const embeds = gemm(b, final.y, projection, { transB: hf });
  return { layers, eosRows, final, pooled: final.y, projection, embeds };
}

/** E [2, R]: row r has a 1 at column r·T + eos_r. */
function eosOneHot(b: GraphBuilder, eosIndex: string, seqLen: string): string {
  const flat = b.add(eosIndex, b.mul(b.constInt64([0, 1]), seqLen));
  const rows = b.mul(seqLen, b.constInt64([2]));
  const cols = b.op('Range', [b.constInt64([0], []), b.reshape(rows, []), b.constInt64([1], [])]);
  return b.cast(b.op('Equal', [b.unsqueeze(flat, [1]), b.unsqueeze(cols, [0])]), 'float32');
}
