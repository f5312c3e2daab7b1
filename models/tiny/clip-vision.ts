/**
 * A tiny image encoder FILE as ComfyUI's `models/clip_vision/` holds them (the HF `CLIPVisionModelWithProjection`
 * layout of `CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors`: `vision_model.*` and `visual_projection.weight`, no text
 * tower), in ViT-H's embedding space (1024-d image_embeds) so the tiny IP-Adapter can project it. 224-px input in
 * 32-px patches at width 64, one layer: the same weights generator as the golden CLIP files (clip-safetensors.ts).
 */
import type { SafetensorsTensorInput } from '../safetensors/write.js';
import { buildOpenClipTensors, openClipToHf, type ClipWeightsConfig } from './clip-safetensors.js';

/** Sizes of the tiny ViT-H stand-in (the text tower is built, then dropped). */
export const TINY_CLIP_VISION_H_CONFIG: ClipWeightsConfig = {
  embedDim: 1024,
  vision: { width: 64, layers: 1, patchSize: 32, imageSize: 224, mlp: 256 },
  text: { vocabSize: 8, positions: 4, width: 64, layers: 1, mlp: 256 },
};

/** Seeded HF-layout image-tower tensors (F16, as the real file). */
export function buildClipVisionTensors(c: ClipWeightsConfig, seed: number): Record<string, SafetensorsTensorInput> {
  const all = openClipToHf(buildOpenClipTensors(c, seed, 'F16'), c);
  return Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith('vision_model.') || k === 'visual_projection.weight'));
}
