/**
 * The Hugging Face `CLIPTextModel` (keys `embeddings.*`, `encoder.layers.{i}.*`, `final_layer_norm.*` under a
 * prefix, e.g. `cond_stage_model.transformer.text_model.` in an SD1.5 checkpoint) as an ONNX graph over the
 * file's own weights: token + position embeddings, pre-LN layers with causal self-attention (heads of 64) and a
 * quick-GELU MLP, final LayerNorm. Width, depth, MLP size, vocabulary and positions come from the shapes.
 *
 * `stopAtLayer` follows ComfyUI's `CLIPSetLastLayer`: −1 is the last layer, −2 the one before, ...; the hidden
 * state of the chosen layer goes through `final_layer_norm` (ComfyUI's `layer_norm_hidden_state`), and the layers
 * after it are left out of the graph. Signature as the SD text-encoder exports (docs/model-folders.md):
 * `input_ids` int32 [batch, sequence] → `last_hidden_state` f32 [batch, sequence, d], `pooler_output` [batch, d]
 * (the state at the end token, the argmax of the ids as in HF).
 */
import { GraphBuilder } from '../onnx-builder/graph-builder.js';
import { heads, layerNorm, linear, type Net } from '../weights/torch-layers.js';
import type { WeightPlan } from '../weights/weight-plan.js';

/** What the weights say about the text tower. */
export interface HfTextTowerStructure {
  readonly vocabSize: number;
  readonly positions: number;
  readonly width: number;
  readonly layers: number;
  readonly intermediate: number;
  /** width / 64 (OpenAI CLIP's head size). */
  readonly heads: number;
}

/** Reads the sizes from the keys under `prefix`. */
export function readHfTextTower(w: WeightPlan, keys: readonly string[], prefix: string): HfTextTowerStructure {
  const [vocabSize, width] = w.shape(`${prefix}embeddings.token_embedding.weight`) as [number, number];
  const positions = w.shape(`${prefix}embeddings.position_embedding.weight`)[0]!;
  let layers = 0;
  while (keys.some((k) => k.startsWith(`${prefix}encoder.layers.${layers}.`))) layers++;
  const intermediate = w.shape(`${prefix}encoder.layers.0.mlp.fc1.weight`)[0]!;
  return { vocabSize, positions, width, layers, intermediate, heads: Math.max(1, Math.round(width / 64)) };
}

/** CLIP's quick_gelu: x·sigmoid(1.702·x). */
function quickGelu(n: Net, x: string): string {
  return n.b.mul(x, n.b.sigmoid(n.b.mul(x, n.b.constFloat(1.702))));
}

function encoderLayer(n: Net, x: string, key: string, s: HfTextTowerStructure, mask: string): string {
  const { b } = n;
  const d = s.width;
  const hd = d / s.heads;
  const h = layerNorm(n, x, `${key}.layer_norm1`, d);
  const proj = (name: string) => heads(n, linear(n, h, `${key}.self_attn.${name}`, { inDim: d, outDim: d }), s.heads, hd);
  const q = b.mul(proj('q_proj'), b.constFloat(1 / Math.sqrt(hd)));
  const scores = b.add(b.matMul(q, b.transpose(proj('k_proj'), [0, 1, 3, 2])), mask);
  const attn = b.reshape(b.transpose(b.matMul(b.softmax(scores, -1), proj('v_proj')), [0, 2, 1, 3]), [0, 0, d]);
  x = b.add(x, linear(n, attn, `${key}.self_attn.out_proj`, { inDim: d, outDim: d }));
  const m = linear(n, layerNorm(n, x, `${key}.layer_norm2`, d), `${key}.mlp.fc1`, { inDim: d, outDim: s.intermediate });
  return b.add(x, linear(n, quickGelu(n, m), `${key}.mlp.fc2`, { inDim: s.intermediate, outDim: d }));
}

/** Options of {@link buildHfTextTower}. */
export interface HfTextTowerOptions {
  readonly structure: HfTextTowerStructure;
  readonly weights: WeightPlan;
  readonly prefix: string;
  /** ComfyUI's `stop_at_clip_layer`, −1 … −layers; default −1. */
  readonly stopAtLayer?: number;
}

/** Builds the text encoder graph; weights are planned into `weights`. */
export function buildHfTextTower(o: HfTextTowerOptions): GraphBuilder {
  const s = o.structure;
  const stop = o.stopAtLayer ?? -1;
  if (!Number.isInteger(stop) || stop > -1 || stop < -s.layers) {
    throw new Error(`stop_at_clip_layer ${stop} is outside −1 … −${s.layers} for a ${s.layers}-layer text encoder`);
  }
  const b = new GraphBuilder({ name: `hf_clip_text_L${stop}` });
  const n: Net = { b, w: o.weights };
  const p = o.prefix;
  const ids = b.input('input_ids', 'int32', ['batch', 'sequence']);
  const tok = b.gather(o.weights.param(b, `${p}embeddings.token_embedding.weight`, [s.vocabSize, s.width]), ids);
  const seqLen = b.slice(b.shape(ids), [1], [2], [0]);
  const pos = b.slice(o.weights.param(b, `${p}embeddings.position_embedding.weight`, [s.positions, s.width]), [0], seqLen, [0]);
  let x = b.add(tok, pos);
  // Causal mask: −∞ above the diagonal, cut from a [P, P] constant to the sequence length.
  const P = s.positions;
  const full = Float32Array.from({ length: P * P }, (_, i) => (i % P > Math.floor(i / P) ? -1e9 : 0));
  const mask = b.slice(b.constFloat(full, [1, 1, P, P], 'causal'), b.concat([b.constInt64([0]), b.constInt64([0])], 0), b.concat([seqLen, seqLen], 0), [2, 3]);
  const last = s.layers + stop; // layers to run
  for (let i = 0; i <= last; i++) x = encoderLayer(n, x, `${p}encoder.layers.${i}`, s, mask);
  const hidden = layerNorm(n, x, `${p}final_layer_norm`, s.width);
  const eos = b.unsqueeze(b.op('ArgMax', [ids], { axis: 1, keepdims: 0 }), [1]);
  const pooled = b.op('GatherND', [hidden, eos], { batch_dims: 1 });
  b.output('last_hidden_state', hidden, 'float32', ['batch', 'sequence', s.width]);
  b.output('pooler_output', pooled, 'float32', ['batch', s.width]);
  return b;
}
