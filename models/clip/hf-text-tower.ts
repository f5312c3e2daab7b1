/**
 * The CLIP text tower as an ONNX graph over a file's own weights, in the Hugging Face layout (`CLIPTextModel` keys
 * `embeddings.*`, `encoder.layers.{i}.*`, `final_layer_norm.*` under a prefix such as `text_model.` in a CLIP file
 * or `cond_stage_model.transformer.text_model.` in an SD1.5 checkpoint, `text_projection.weight` beside it) or the
 * OpenCLIP/OpenAI layout (`token_embedding.weight`, `positional_embedding`, `transformer.resblocks.{i}.*`,
 * `ln_final.*`, `text_projection` [d, P]): token + position embeddings, pre-LN layers with causal self-attention, a
 * quick-GELU or GELU MLP, final LayerNorm, EOS pooling (argmax of the ids, as HF, OpenCLIP and ComfyUI do) and the
 * optional projection. Sizes come from the shapes; heads and activation from `config.json` when given, else heads
 * of 64 and the rule in {@link readHfTextTower}.
 *
 * `stopAtLayer` follows ComfyUI's `CLIPSetLastLayer` (comfy/sd1_clip.py, comfy/clip_model.py): −1 is the last
 * layer, −2 the one before, ...; the hidden state of the chosen layer goes through `final_layer_norm` (ComfyUI's
 * `layer_norm_hidden_state`, true for SD1.x). As in ComfyUI the pooled output and the projection always come from
 * the last layer: for a stop below −1 the remaining layers run for them only.
 *
 * API for other graphs (CoOp prompt learning, the SD1.5 converter):
 * - {@link readHfTextTower}`(weights, keys, prefix, { config?, projectionKey?, layout? })` → {@link HfTextTowerStructure};
 * - {@link hfTextTowerGraph}`(net, { ids, inputsEmbeds?, structure, prefix, stopAtLayer? })` adds the tower to any
 *   builder and returns the value names (no graph inputs or outputs are declared);
 * - {@link buildHfTextTower} makes the stand-alone graph with the SD text-encoder signature (docs/model-folders.md):
 *   `input_ids` int32 [batch, sequence] (or `inputs_embeds` f32 [batch, sequence, width] plus `input_ids` for the
 *   EOS position) → `last_hidden_state` f32 [batch, sequence, width], `pooler_output` [batch, width] and, with a
 *   projection, `text_embeds` [batch, projection].
 */
import { z } from 'zod';
import { GraphBuilder } from '../onnx-builder/graph-builder.js';
import { layerNorm, linear, type Net } from '../weights/torch-layers.js';
import type { WeightPlan } from '../weights/weight-plan.js';
import { CLIP_ACTIVATIONS, type ClipActivation, type ClipKeyLayout, clipLayer, countLayers } from './clip-layers.js';

export { CLIP_ACTIVATIONS, type ClipActivation } from './clip-layers.js';

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
  /** Width of the projection's output; 0 when the file has none. */
  readonly projectionDim: number;
  /** The projection's key when there is one. */
  readonly projectionKey?: string;
  /** Key layout; default `hf`. */
  readonly layout?: ClipKeyLayout;
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
  /** Key of the projection weight (`text_projection.weight` [P, d] in HF, `text_projection` [d, P] in OpenCLIP). */
  readonly projectionKey?: string;
  /** Key layout; default `hf`. */
  readonly layout?: ClipKeyLayout;
}

/** The keys of the non-layer tensors, by layout. */
function textKeys(prefix: string, layout: ClipKeyLayout) {
  return layout === 'hf'
    ? { tokens: `${prefix}embeddings.token_embedding.weight`, positions: `${prefix}embeddings.position_embedding.weight`, layers: `${prefix}encoder.layers.`, final: `${prefix}final_layer_norm`, fc1: 'mlp.fc1.weight' }
    : { tokens: `${prefix}token_embedding.weight`, positions: `${prefix}positional_embedding`, layers: `${prefix}transformer.resblocks.`, final: `${prefix}ln_final`, fc1: 'mlp.c_fc.weight' };
}

/**
 * Reads the sizes from the keys under `prefix`. Without a config the activation is GELU for widths 1024 and 1280
 * (the OpenCLIP ViT-H and ViT-bigG text towers) and quick_gelu otherwise (OpenAI's, SD1.5's).
 * @throws WeightKeyError naming the file when a needed key is missing
 */
export function readHfTextTower(w: WeightPlan, keys: readonly string[], prefix: string, o: ReadTextTowerOptions = {}): HfTextTowerStructure {
  const layout = o.layout ?? 'hf';
  const k = textKeys(prefix, layout);
  const [vocabSize, width] = w.shape(k.tokens) as [number, number];
  const positions = w.shape(k.positions)[0]!;
  const layers = countLayers(keys, k.layers);
  const intermediate = w.shape(`${k.layers}0.${k.fc1}`)[0]!;
  const projectionKey = o.projectionKey && w.has(o.projectionKey) ? o.projectionKey : undefined;
  const projectionDim = projectionKey ? w.shape(projectionKey)[layout === 'hf' ? 0 : 1]! : 0;
  const activation = o.config?.hidden_act ?? (width === 1024 || width === 1280 ? 'gelu' : 'quick_gelu');
  return {
    vocabSize, positions, width, layers, intermediate,
    heads: o.config?.num_attention_heads ?? Math.max(1, Math.round(width / 64)),
    activation, eps: o.config?.layer_norm_eps ?? 1e-5, projectionDim, projectionKey, layout,
  };
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
  /** The projection of `pooled` [B, P], when the tower has one. */
  readonly embeds?: string;
  /** EOS position per row, int64 [B, 1]. */
  readonly eosIndex: string;
}

/** Causal mask [1, 1, T, T]: −1e9 above the diagonal (ComfyUI fills −inf; the softmax is the same), cut to T. */
function causalMask(n: Net, positions: number, seqLen: string): string {
  const { b } = n;
  const P = positions;
  const full = Float32Array.from({ length: P * P }, (_, i) => (i % P > Math.floor(i / P) ? -1e9 : 0));
  return b.slice(b.constFloat(full, [1, 1, P, P], 'causal'), b.concat([b.constInt64([0]), b.constInt64([0])], 0), b.concat([seqLen, seqLen], 0), [2, 3]);
}

/** Adds the text tower to `n.b` (weights planned into `n.w`) and returns its values; see the module comment. */
export function hfTextTowerGraph(n: Net, o: HfTextTowerGraphInputs): HfTextTowerValues {
  const { b, w } = n;
  const s = o.structure;
  const layout = s.layout ?? 'hf';
  const k = textKeys(o.prefix, layout);
  const stop = o.stopAtLayer ?? -1;
  if (!Number.isInteger(stop) || stop > -1 || stop < -s.layers) {
    throw new Error(`stop_at_clip_layer ${stop} is outside −1 … −${s.layers} for a ${s.layers}-layer text encoder`);
  }
  const tok = o.inputsEmbeds ?? b.gather(w.param(b, k.tokens, [s.vocabSize, s.width]), o.ids);
  const seqLen = b.slice(b.shape(o.ids), [1], [2], [0]);
  let x = b.add(tok, b.slice(w.param(b, k.positions, [s.positions, s.width]), [0], seqLen, [0]));
  const mask = causalMask(n, s.positions, seqLen);
  const chosen = s.layers + stop;
  let hidden = '';
  for (let i = 0; i < s.layers; i++) {
    x = clipLayer(n, x, `${k.layers}${i}`, s, { layout, mask });
    if (i === chosen) hidden = layerNorm(n, x, k.final, s.width, s.eps);
  }
  const last = stop === -1 ? hidden : layerNorm(n, x, k.final, s.width, s.eps);
  // ArgMax on float ids: exact below 2^24 and supported by every provider for every id type.
  const eosIndex = b.unsqueeze(b.op('ArgMax', [b.cast(o.ids, 'float32')], { axis: 1, keepdims: 0 }), [1]);
  const pooled = b.op('GatherND', [last, eosIndex], { batch_dims: 1 });
  return { hidden, pooled, embeds: project(n, pooled, s), eosIndex };
}

/** pooled · projection: HF stores a Linear weight [P, d], OpenCLIP the matrix [d, P] used as x @ proj. */
function project(n: Net, pooled: string, s: HfTextTowerStructure): string | undefined {
  if (!s.projectionKey) return undefined;
  if ((s.layout ?? 'hf') === 'hf') {
    return linear(n, pooled, s.projectionKey.replace(/\.weight$/, ''), { inDim: s.width, outDim: s.projectionDim, bias: false });
  }
  return n.b.matMul(pooled, n.w.param(n.b, s.projectionKey, [s.width, s.projectionDim]));
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
