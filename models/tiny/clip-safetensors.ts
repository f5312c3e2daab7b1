/**
 * CLIP weights files in the real key layouts (docs/model-folders.md), with seeded random values: the OpenCLIP /
 * OpenAI layout (`token_embedding.weight`, `transformer.resblocks.{i}.attn.in_proj_weight`, `visual.conv1.weight`,
 * `visual.proj`, ...) and the same weights in the Hugging Face `CLIPModel` layout (`text_model.*`, `vision_model.*`,
 * `text_projection.weight`, `visual_projection.weight`), converted the way HF's conversion script maps them:
 * in_proj split into q/k/v, `[d, P]` projections transposed to Linear weights `[P, d]`.
 * Used for the default tiny CLIP files and the golden-fixture weights (test/fixtures/clip/).
 */
import type { SafetensorsTensorInput } from '../safetensors/write.js';
import { seededTensor } from './ldm-checkpoint.js';

/** Sizes of a CLIP in OpenCLIP's terms. Heads are width / 64 unless the file comes with a config. */
export interface ClipWeightsConfig {
  readonly embedDim: number;
  readonly vision: { readonly width: number; readonly layers: number; readonly patchSize: number; readonly imageSize: number; readonly mlp: number };
  readonly text: { readonly vocabSize: number; readonly positions: number; readonly width: number; readonly layers: number; readonly mlp: number };
}

type Shapes = Map<string, number[]>;

function block(s: Shapes, key: string, d: number, mlp: number): void {
  s.set(`${key}.ln_1.weight`, [d]).set(`${key}.ln_1.bias`, [d]);
  s.set(`${key}.attn.in_proj_weight`, [3 * d, d]).set(`${key}.attn.in_proj_bias`, [3 * d]);
  s.set(`${key}.attn.out_proj.weight`, [d, d]).set(`${key}.attn.out_proj.bias`, [d]);
  s.set(`${key}.ln_2.weight`, [d]).set(`${key}.ln_2.bias`, [d]);
  s.set(`${key}.mlp.c_fc.weight`, [mlp, d]).set(`${key}.mlp.c_fc.bias`, [mlp]);
  s.set(`${key}.mlp.c_proj.weight`, [d, mlp]).set(`${key}.mlp.c_proj.bias`, [d]);
}

/** Every key and shape of an OpenCLIP `CLIP` state dict with `c`'s sizes, in open_clip's order. */
export function openClipShapes(c: ClipWeightsConfig): Shapes {
  const s: Shapes = new Map();
  const t = c.text;
  const v = c.vision;
  s.set('positional_embedding', [t.positions, t.width]).set('text_projection', [t.width, c.embedDim]).set('logit_scale', []);
  s.set('visual.class_embedding', [v.width]).set('visual.positional_embedding', [(v.imageSize / v.patchSize) ** 2 + 1, v.width]);
  s.set('visual.proj', [v.width, c.embedDim]).set('visual.conv1.weight', [v.width, 3, v.patchSize, v.patchSize]);
  s.set('visual.ln_pre.weight', [v.width]).set('visual.ln_pre.bias', [v.width]);
  for (let i = 0; i < v.layers; i++) block(s, `visual.transformer.resblocks.${i}`, v.width, v.mlp);
  s.set('visual.ln_post.weight', [v.width]).set('visual.ln_post.bias', [v.width]);
  for (let i = 0; i < t.layers; i++) block(s, `transformer.resblocks.${i}`, t.width, t.mlp);
  s.set('token_embedding.weight', [t.vocabSize, t.width]).set('ln_final.weight', [t.width]).set('ln_final.bias', [t.width]);
  return s;
}

/** Seeded values; norm scales near 1 (ln_* / *_norm), logit_scale = ln(100). */
function valuesFor(seed: number, key: string, shape: readonly number[]): Float32Array {
  if (key === 'logit_scale') return Float32Array.of(Math.log(100));
  // seededTensor recognises LayerNorm scales by the LDM/HF names; map OpenCLIP's to one of them.
  const normLike = /(ln_\d|ln_pre|ln_post|ln_final)\.weight$/.test(key) ? `${key}.layer_norm1.weight` : key;
  const fanShape = /(proj|text_projection)$/.test(key) ? [shape[1]!, shape[0]!] : shape;
  const values = seededTensor(seed, normLike, fanShape);
  return values;
}

/** Seeded OpenCLIP-layout tensors (F32 or F16). */
export function buildOpenClipTensors(c: ClipWeightsConfig, seed: number, dtype: 'F32' | 'F16' = 'F32'): Record<string, SafetensorsTensorInput> {
  const out: Record<string, SafetensorsTensorInput> = {};
  for (const [key, shape] of openClipShapes(c)) out[key] = { dtype, shape, data: valuesFor(seed, key, shape) };
  return out;
}

function rows(t: SafetensorsTensorInput, from: number, count: number, cols: number): SafetensorsTensorInput {
  const data = (t.data as Float32Array).slice(from * cols, (from + count) * cols);
  return { dtype: t.dtype, shape: cols === 1 ? [count] : [count, cols], data };
}

function transpose(t: SafetensorsTensorInput): SafetensorsTensorInput {
  const [r, c] = t.shape as [number, number];
  const src = t.data as Float32Array;
  const data = new Float32Array(src.length);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) data[j * r + i] = src[i * c + j]!;
  return { dtype: t.dtype, shape: [c, r], data };
}

const BLOCK_NAMES: Record<string, string> = {
  'ln_1': 'layer_norm1', 'ln_2': 'layer_norm2', 'attn.out_proj': 'self_attn.out_proj', 'mlp.c_fc': 'mlp.fc1', 'mlp.c_proj': 'mlp.fc2',
};

function hfBlock(out: Record<string, SafetensorsTensorInput>, src: Record<string, SafetensorsTensorInput>, from: string, to: string): void {
  const w = src[`${from}.attn.in_proj_weight`]!;
  const b = src[`${from}.attn.in_proj_bias`]!;
  const d = w.shape[1]!;
  ['q_proj', 'k_proj', 'v_proj'].forEach((name, i) => {
    out[`${to}.self_attn.${name}.weight`] = rows(w, i * d, d, d);
    out[`${to}.self_attn.${name}.bias`] = rows(b, i * d, d, 1);
  });
  for (const [o, h] of Object.entries(BLOCK_NAMES)) {
    out[`${to}.${h}.weight`] = src[`${from}.${o}.weight`]!;
    out[`${to}.${h}.bias`] = src[`${from}.${o}.bias`]!;
  }
}

/** The same weights in the HF `CLIPModel` layout. */
export function openClipToHf(src: Record<string, SafetensorsTensorInput>, c: ClipWeightsConfig): Record<string, SafetensorsTensorInput> {
  const out: Record<string, SafetensorsTensorInput> = {};
  const ln = (from: string, to: string) => {
    out[`${to}.weight`] = src[`${from}.weight`]!;
    out[`${to}.bias`] = src[`${from}.bias`]!;
  };
  out['text_model.embeddings.token_embedding.weight'] = src['token_embedding.weight']!;
  out['text_model.embeddings.position_embedding.weight'] = src.positional_embedding!;
  for (let i = 0; i < c.text.layers; i++) hfBlock(out, src, `transformer.resblocks.${i}`, `text_model.encoder.layers.${i}`);
  ln('ln_final', 'text_model.final_layer_norm');
  out['vision_model.embeddings.class_embedding'] = src['visual.class_embedding']!;
  out['vision_model.embeddings.patch_embedding.weight'] = src['visual.conv1.weight']!;
  out['vision_model.embeddings.position_embedding.weight'] = src['visual.positional_embedding']!;
  ln('visual.ln_pre', 'vision_model.pre_layrnorm');
  for (let i = 0; i < c.vision.layers; i++) hfBlock(out, src, `visual.transformer.resblocks.${i}`, `vision_model.encoder.layers.${i}`);
  ln('visual.ln_post', 'vision_model.post_layernorm');
  out['visual_projection.weight'] = transpose(src['visual.proj']!);
  out['text_projection.weight'] = transpose(src.text_projection!);
  out.logit_scale = src.logit_scale!;
  return out;
}

/** The golden-fixture CLIP (test/fixtures/clip/): 2 heads of 64 in both towers, 32-px images in 8-px patches. */
export const GOLDEN_CLIP_CONFIG: ClipWeightsConfig = {
  embedDim: 32,
  vision: { width: 128, layers: 2, patchSize: 8, imageSize: 32, mlp: 512 },
  text: { vocabSize: 64, positions: 12, width: 128, layers: 3, mlp: 512 },
};
