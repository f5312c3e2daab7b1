/**
 * Full-size CLIP `.safetensors` files with random F32 weights in the Hugging Face key layout (as
 * `openai/clip-vit-base-patch32/model.safetensors`), written tensor by tensor (never committed), for the CLIP
 * conversion benchmark (clip-convert.ts) and the prompt-learning benchmark (coop.ts, text tower only).
 */
import type { ClipWeightsConfig } from '../models/tiny/clip-safetensors.js';
import { writeStreamedSafetensors } from './streamed-safetensors.js';

/** OpenAI ViT-B/32 sizes (heads 12 / 8 and quick-GELU follow from the widths, so no config.json is needed). */
export const VIT_B32: ClipWeightsConfig = {
  embedDim: 512,
  vision: { width: 768, layers: 12, patchSize: 32, imageSize: 224, mlp: 3072 },
  text: { vocabSize: 49408, positions: 77, width: 512, layers: 12, mlp: 2048 },
};

function layerShapes(s: Map<string, number[]>, key: string, d: number, mlp: number): void {
  for (const n of ['layer_norm1', 'layer_norm2']) s.set(`${key}.${n}.weight`, [d]).set(`${key}.${n}.bias`, [d]);
  for (const n of ['q_proj', 'k_proj', 'v_proj', 'out_proj']) s.set(`${key}.self_attn.${n}.weight`, [d, d]).set(`${key}.self_attn.${n}.bias`, [d]);
  s.set(`${key}.mlp.fc1.weight`, [mlp, d]).set(`${key}.mlp.fc1.bias`, [mlp]).set(`${key}.mlp.fc2.weight`, [d, mlp]).set(`${key}.mlp.fc2.bias`, [d]);
}

/** Every key and shape of an HF `CLIPModel` state dict with `c`'s sizes; `towers: 'text'` leaves the image tower out. */
export function hfClipShapes(c: ClipWeightsConfig, towers: 'both' | 'text' = 'both'): Map<string, number[]> {
  const s = new Map<string, number[]>();
  const { vision: v, text: t } = c;
  s.set('text_model.embeddings.token_embedding.weight', [t.vocabSize, t.width]).set('text_model.embeddings.position_embedding.weight', [t.positions, t.width]);
  for (let i = 0; i < t.layers; i++) layerShapes(s, `text_model.encoder.layers.${i}`, t.width, t.mlp);
  s.set('text_model.final_layer_norm.weight', [t.width]).set('text_model.final_layer_norm.bias', [t.width]);
  if (towers === 'both') {
    s.set('vision_model.embeddings.class_embedding', [v.width]).set('vision_model.embeddings.patch_embedding.weight', [v.width, 3, v.patchSize, v.patchSize]);
    s.set('vision_model.embeddings.position_embedding.weight', [(v.imageSize / v.patchSize) ** 2 + 1, v.width]);
    s.set('vision_model.pre_layrnorm.weight', [v.width]).set('vision_model.pre_layrnorm.bias', [v.width]);
    for (let i = 0; i < v.layers; i++) layerShapes(s, `vision_model.encoder.layers.${i}`, v.width, v.mlp);
    s.set('vision_model.post_layernorm.weight', [v.width]).set('vision_model.post_layernorm.bias', [v.width]);
    s.set('visual_projection.weight', [c.embedDim, v.width]);
  }
  s.set('text_projection.weight', [c.embedDim, t.width]).set('logit_scale', []);
  return s;
}

/** Writes an F32 safetensors file of small random values (LayerNorm scales near 1), one tensor at a time; returns its size. */
export function writeRandomClip(file: string, c: ClipWeightsConfig, towers: 'both' | 'text' = 'both'): number {
  let seed = 7;
  return writeStreamedSafetensors(file, hfClipShapes(c, towers), 'F32', (key, n) => {
    const values = new Float32Array(n);
    const norm = /(layer_norm\d|layrnorm|layernorm)\.weight$/.test(key);
    for (let i = 0; i < n; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      values[i] = (norm ? 1 : 0) + ((seed >>> 8) / 2 ** 24 - 0.5) * 0.04;
    }
    return new Uint8Array(values.buffer);
  });
}
