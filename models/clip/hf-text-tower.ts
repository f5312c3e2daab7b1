/**
 * The Hugging Face `CLIPTextModel` / `CLIPTextModelWithProjection` (keys `embeddings.*`, `encoder.layers.{i}.*`,
 * `final_layer_norm.*` under a prefix such as `text_model.` in a CLIP file or `cond_stage_model.transformer.text_model.`
 * in an SD1.5 checkpoint, and `text_projection.weight` beside it) as an ONNX graph over the file's own weights:
 * token + position embeddings, pre-LN layers with causal self-attention, a quick-GELU or GELU MLP, final LayerNorm,
 * EOS pooling (argmax of the ids, as HF and ComfyUI do) and the optional projection. Sizes come from the shapes;
 * heads and activation from `config.json` when given, else heads of 64 and the rule in {@link readHfTextTower}.
 *
 * `stopAtLayer` follows ComfyUI's `CLIPSetLastLayer` (comfy/sd1_clip.py, comfy/clip_model.py): −1 is the last
 * layer, −2 the one before, ...; the hidden state of the chosen layer goes through `final_layer_norm` (ComfyUI's
 * `layer_norm_hidden_state`, true for SD1.x). As in ComfyUI the pooled output and the projection always come from
 * the last layer: for a stop below −1 the remaining layers run for them only.
 *
 * API for other graphs (CoOp prompt learning, the SD1.5 converter):
 * - {@link readHfTextTower}`(weights, keys, prefix, { config?, projectionKey? })` → {@link HfTextTowerStructure};
 * - {@link hfTextTowerGraph}`(net, { ids, inputsEmbeds?, structure, prefix, stopAtLayer? })` adds the tower to any
 *   builder and returns the value names (no graph inputs or outputs are declared);
 * - {@link buildHfTextTower} makes the stand-alone graph with the SD text-encoder signature (docs/model-folders.md):
 *   `input_ids` int32 [batch, sequence] (or `inputs_embeds` f32 [batch, sequence, width] plus `input_ids` for the
 *   EOS position) → `last_hidden_state` f32 [batch, sequence, width], `pooler_output` [batch, width] and, with a
 *   projection, `text_embeds` [batch, projection].
 */
import { z } from 'zod';
import { GraphBuilder } from '../onnx-builder/graph-builder.js';
import { gelu, heads, layerNorm, linear, type Net } from '../weights/torch-layers.js';
import type { WeightPlan } from '../weights/weight-plan.js';

/** The MLP activations CLIP towers use: OpenAI's quick_gelu, OpenCLIP's exact GELU. */
export const CLIP_ACTIVATIONS = ['quick_gelu', 'gelu'] as const;
export type ClipActivation = (typeof CLIP_ACTIVATIONS)[number];

/** What the weights (and config.json, when present) say about the text tower. */
export interface HfTextTowerStructure {
  readonly vocabSize: number;
  readonly positions: number;
  readonly width: number;
  readonly layers: number;
  readonly intermediate: number;
  /** From config.json, else width / 64 (the head size of every OpenAI and OpenCLIP text tower). */
  readonly heads: number;
  readonly activation: ClipActivation;
  /** LayerNorm epsilon (config `layer_norm_eps`, default 1e-5). */
  readonly eps: number;
  /** Rows of the projection weight [P, width]; 0 when the file has none. */
  readonly projectionDim: number;
  /** The projection's key when there is one. */
  readonly projectionKey?: string;
}

/** The fields of a HF `CLIPTextConfig` we read (a `CLIPConfig`'s `text_config`, or a `text_encoder/config.json`). */
export const hfClipTextConfigSchema = z.looseObject({
  num_attention_heads: z.number().int().positive().optional(),
  hidden_act: z.enum(CLIP_ACTIVATIONS).optional(),
  layer_norm_eps: z.number().positive().optional(),
});
export type HfClipTextConfig = z.infer<typeof hfClipTextConfigSchema>;

/** Options of {@link readHfTextTower}. */
export interface ReadTextTowerOptions {
  readonly config?: HfClipTextConfig;
  /** Key of the projection weight [P, width], e.g. `text_projection.weight`; used when the file has it. */
  readonly projectionKey?: string;
}

/**
 * Reads the sizes from the keys under `prefix`. Without a config the activation is GELU for widths 1024 and 1280
 * (the OpenCLIP ViT-H and ViT-bigG text towers) and quick_gelu otherwise (OpenAI's, SD1.5's).
 * @throws WeightKeyError naming the file when a needed key is missing
 */
export function readHfTextTower(w: WeightPlan, keys: readonly string[], prefix: string, o: ReadTextTowerOptions = {}): HfTextTowerStructure {
  const [vocabSize, width] = w.shape(`${prefix}embeddings.token_embedding.weight`) as [number, number];
  const positions = w.shape(`${prefix}embeddings.position_embedding.weight`)[0]!;
  let layers = 0;
  while (keys.some((k) => k.startsWith(`${prefix}encoder.layers.${layers}.`))) layers++;
  const intermediate = w.shape(`${prefix}encoder.layers.0.mlp.fc1.weight`)[0]!;
  const projectionKey = o.projectionKey && w.has(o.projectionKey) ? o.projectionKey : undefined;
  const projectionDim = projectionKey ? w.shape(projectionKey)[0]! : 0;
  const activation = o.config?.hidden_act ?? (width === 1024 || width === 1280 ? 'gelu' : 'quick_gelu');
  return {
    vocabSize, positions, width, layers, intermediate,
    heads: o.config?.num_attention_heads ?? Math.max(1, Math.round(width / 64)),
    activation, eps: o.config?.layer_norm_eps ?? 1e-5, projectionDim, projectionKey,
  };
}

/** CLIP's quick_gelu: x·sigmoid(1.702·x). */
export function quickGelu(n: Net, x: string): string {
  return n.b.mul(x, n.b.sigmoid(n.b.mul(x, n.b.constFloat(1.702))));
}

/** The MLP activation of a CLIP tower. */
export function clipActivation(n: Net, x: string, a: ClipActivation): string {
  return a === 'gelu' ? gelu(n, x) : quickGelu(n, x);
}

/** The shape of one CLIP encoder layer (shared by the text and vision towers). */
export interface ClipLayerShape {
  readonly width: number;
  readonly heads: number;
  readonly intermediate: number;
  readonly activation: ClipActivation;
  readonly eps: number;
}

/**
 * One HF `CLIPEncoderLayer` under `key` (`layer_norm1`, `self_attn.{q,k,v,out}_proj`, `layer_norm2`, `mlp.fc1/fc2`):
 * x + attn(LN(x)), then x + mlp(LN(x)). `mask` is additive, broadcastable to [B, heads, T, T].
 */
export function clipEncoderLayer(n: Net, x: string, key: string, s: ClipLayerShape, mask?: string): string {
  const { b } = n;
  const d = s.width;
  const hd = d / s.heads;
  if (!Number.isInteger(hd)) throw new Error(`${key}: width ${d} is not divisible by ${s.heads} heads`);
  const h = layerNorm(n, x, `${key}.layer_norm1`, d, s.eps);
  const proj = (name: string) => heads(n, linear(n, h, `${key}.self_attn.${name}`, { inDim: d, outDim: d }), s.heads, hd);
  const q = b.mul(proj('q_proj'), b.constFloat(1 / Math.sqrt(hd)));
  let scores = b.matMul(q, b.transpose(proj('k_proj'), [0, 1, 3, 2]));
  if (mask) scores = b.add(scores, mask);
  const attn = b.reshape(b.transpose(b.matMul(b.softmax(scores, -1), proj('v_proj')), [0, 2, 1, 3]), [0, 0, d]);
  x = b.add(x, linear(n, attn, `${key}.self_attn.out_proj`, { inDim: d, outDim: d }));
  const m = linear(n, layerNorm(n, x, `${key}.layer_norm2`, d, s.eps), `${key}.mlp.fc1`, { inDim: d, outDim: s.intermediate });
  return b.add(x, linear(n, clipActivation(n, m, s.activation), `${key}.mlp.fc2`, { inDim: s.intermediate, outDim: d }));
}

/** Inputs of {@link hfTextTowerGraph}. */
export interface HfTextTowerGraphInputs {
  readonly structure: HfTextTowerStructure;
  readonly prefix: string;
  /** Token ids [B, T] (int32 or int64): the embedding lookup (unless `inputsEmbeds`) and the EOS position. */
  readonly ids: string;
  /** Token embeddings [B, T, width] used instead of the table lookup (learned prompt vectors); positions are added. */
  readonly inputsEmbeds?: string;
  /** ComfyUI's `stop_at_clip_layer`, −1 … −layers; default −1. */
  readonly stopAtLayer?: number;
}

/** Value names {@link hfTextTowerGraph} returns. */
export interface HfTextTowerValues {
  /** final_layer_norm of the chosen layer's state [B, T, width]. */
  readonly hidden: string;
  /** final_layer_norm of the last layer at the EOS position [B, width]. */
  readonly pooled: string;
  /** pooled · text_projectionᵀ [B, P], when the tower has a projection. */
  readonly embeds?: string;
  /** EOS position per row, int64 [B, 1]. */
  readonly eosIndex: string;
}

/** Adds the text tower to `n.b` (weights planned into `n.w`) and returns its values; see the module comment. */
export function hfTextTowerGraph(n: Net, o: HfTextTowerGraphInputs): HfTextTowerValues {
  const { b, w } = n;
  const s = o.structure;
  const p = o.prefix;
  const stop = o.stopAtLayer ?? -1;
  if (!Number.isInteger(stop) || stop > -1 || stop < -s.layers) {
    throw new Error(`stop_at_clip_layer ${stop} is outside −1 … −${s.layers} for a ${s.layers}-layer text encoder`);
  }
  const tok = o.inputsEmbeds ?? b.gather(w.param(b, `${p}embeddings.token_embedding.weight`, [s.vocabSize, s.width]), o.ids);
  const seqLen = b.slice(b.shape(o.ids), [1], [2], [0]);
  const pos = b.slice(w.param(b, `${p}embeddings.position_embedding.weight`, [s.positions, s.width]), [0], seqLen, [0]);
  let x = b.add(tok, pos);
  // Causal mask: −∞ above the diagonal (ComfyUI fills −inf; −1e9 gives the same softmax), cut to the sequence length.
  const P = s.positions;
  const full = Float32Array.from({ length: P * P }, (_, i) => (i % P > Math.floor(i / P) ? -1e9 : 0));
  const mask = b.slice(b.constFloat(full, [1, 1, P, P], 'causal'), b.concat([b.constInt64([0]), b.constInt64([0])], 0), b.concat([seqLen, seqLen], 0), [2, 3]);
  const chosen = s.layers + stop;
  let hidden = '';
  for (let i = 0; i < s.layers; i++) {
    x = clipEncoderLayer(n, x, `${p}encoder.layers.${i}`, s, mask);
    if (i === chosen) hidden = layerNorm(n, x, `${p}final_layer_norm`, s.width, s.eps);
  }
  const last = stop === -1 ? hidden : layerNorm(n, x, `${p}final_layer_norm`, s.width, s.eps);
  // ArgMax on float ids: exact below 2^24 and supported by every provider for every id type.
  const eosIndex = b.unsqueeze(b.op('ArgMax', [b.cast(o.ids, 'float32')], { axis: 1, keepdims: 0 }), [1]);
  const pooled = b.op('GatherND', [last, eosIndex], { batch_dims: 1 });
  const embeds = s.projectionKey
    ? linear(n, pooled, s.projectionKey.replace(/\.weight$/, ''), { inDim: s.width, outDim: s.projectionDim, bias: false })
    : undefined;
  return { hidden, pooled, embeds, eosIndex };
}

/** Options of {@link buildHfTextTower}. */
export interface HfTextTowerOptions {
  readonly structure: HfTextTowerStructure;
  readonly weights: WeightPlan;
  readonly prefix: string;
  /** ComfyUI's `stop_at_clip_layer`, −1 … −layers; default −1. */
  readonly stopAtLayer?: number;
  /** Type of `input_ids`; default int32 (the SD text-encoder exports). */
  readonly idsType?: 'int32' | 'int64';
  /** Declare `inputs_embeds` [batch, sequence, width] and use it instead of the token table. */
  readonly inputsEmbeds?: boolean;
}

/** Builds the stand-alone text encoder graph; weights are planned into `weights`. */
export function buildHfTextTower(o: HfTextTowerOptions): GraphBuilder {
  const s = o.structure;
  const b = new GraphBuilder({ name: `hf_clip_text_L${o.stopAtLayer ?? -1}` });
  const ids = b.input('input_ids', o.idsType ?? 'int32', ['batch', 'sequence']);
  const inputsEmbeds = o.inputsEmbeds ? b.input('inputs_embeds', 'float32', ['batch', 'sequence', s.width]) : undefined;
  const t = hfTextTowerGraph({ b, w: o.weights }, { structure: s, prefix: o.prefix, ids, inputsEmbeds, stopAtLayer: o.stopAtLayer });
  b.output('last_hidden_state', t.hidden, 'float32', ['batch', 'sequence', s.width]);
  b.output('pooler_output', t.pooled, 'float32', ['batch', s.width]);
  if (t.embeds) b.output('text_embeds', t.embeds, 'float32', ['batch', s.projectionDim]);
  return b;
}
