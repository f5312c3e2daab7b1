/**
 * CLIP stand-in builders. Each returns the bytes of one ONNX file with the names, dtypes and ranks of the real
 * exports (docs/model-folders.md):
 * - `vision_model.onnx`: `pixel_values` f32 [batch,3,S,S] → `image_embeds` f32 [batch,P] (Xenova split layout);
 * - `text_model.onnx`: `input_ids` int64 [batch,sequence] → `text_embeds` f32 [batch,P];
 * - `model.onnx` (optimum full CLIP): `input_ids`, `pixel_values`, `attention_mask` → `logits_per_image`,
 *   `logits_per_text`, `text_embeds`, `image_embeds` (the embeds L2-normalised, logits = scale · cosine).
 * The towers draw weights from per-tower seed streams, so the split and full files built with the same seed
 * agree: the full model's embeds are the split embeds, normalised.
 */
import { GraphBuilder } from '../onnx-builder/graph-builder.js';
import { l2Normalize } from '../onnx-builder/layers.js';
import { rngFor } from '../onnx-builder/prng.js';
import { type ClipTextConfig, type ClipVisionConfig, textTower, visionTower } from './tower-graphs.js';

export type { ClipTextConfig, ClipVisionConfig } from './tower-graphs.js';

/** Both towers plus the full model's logit scale. */
export interface ClipConfig {
  vision: ClipVisionConfig;
  text: ClipTextConfig;
  /** exp(logit_scale) of the full model (100 for OpenAI weights). */
  logitScale: number;
}

/** Options common to the ONNX builders. */
export interface BuildOptions {
  /** Store float I/O and weights as float16 (compute stays float32). Default float32. */
  precision?: 'float32' | 'float16';
}

/** Small default: 224 px, patch 32, width 64, P = 64, 1 layer each, vocabulary of the tiny BPE (1118 ids). */
export const TINY_CLIP_CONFIG: ClipConfig = {
  vision: { imageSize: 224, patchSize: 32, width: 64, layers: 1, heads: 4, projectionDim: 64 },
  text: { vocabSize: 1118, maxPositions: 77, width: 64, layers: 1, heads: 4, projectionDim: 64, causal: true },
  logitScale: 100,
};

/** The tiny model in ViT-H's embedding space (P = 1024), for DP-Adapter tests. */
export const TINY_CLIP_H_CONFIG: ClipConfig = {
  vision: { ...TINY_CLIP_CONFIG.vision, projectionDim: 1024 },
  text: { ...TINY_CLIP_CONFIG.text, projectionDim: 1024 },
  logitScale: 100,
};

/** ViT-B/32 sizes (224 px, patch 32, width 768, 12 layers, 12 heads, P = 512) with random weights, for benchmarks. */
export const VIT_B32_CONFIG: ClipConfig = {
  vision: { imageSize: 224, patchSize: 32, width: 768, layers: 12, heads: 12, projectionDim: 512 },
  text: { vocabSize: 1118, maxPositions: 77, width: 512, layers: 12, heads: 8, projectionDim: 512, causal: true },
  logitScale: 100,
};

/** `vision_model.onnx` bytes. */
export function buildClipVision(config: ClipVisionConfig, seed: number, options: BuildOptions = {}): Uint8Array {
  const b = new GraphBuilder({ name: 'clip_vision', precision: options.precision });
  const pixels = b.input('pixel_values', 'float32', ['batch', 3, config.imageSize, config.imageSize]);
  const embeds = visionTower(b, rngFor(seed, 'clip-vision'), pixels, config);
  b.output('image_embeds', embeds, 'float32', ['batch', config.projectionDim]);
  return b.toBytes();
}

/** `text_model.onnx` bytes; `input_ids` is int64 as in the Xenova export (int32 on request). */
export function buildClipText(
  config: ClipTextConfig,
  seed: number,
  options: BuildOptions & { idsType?: 'int64' | 'int32' } = {},
): Uint8Array {
  const b = new GraphBuilder({ name: 'clip_text', precision: options.precision });
  const ids = b.input('input_ids', options.idsType ?? 'int64', ['batch', 'sequence']);
  const { embeds } = textTower(b, rngFor(seed, 'clip-text'), { ids, config });
  b.output('text_embeds', embeds, 'float32', ['batch', config.projectionDim]);
  return b.toBytes();
}

/** Optimum full CLIP `model.onnx` bytes. Both towers must share one projection size. */
export function buildClipFull(config: ClipConfig, seed: number, options: BuildOptions = {}): Uint8Array {
  const p = config.vision.projectionDim;
  if (config.text.projectionDim !== p) {
    throw new Error(`CLIP config: text projectionDim ${config.text.projectionDim} differs from vision ${p}`);
  }
  const b = new GraphBuilder({ name: 'clip', precision: options.precision });
  const ids = b.input('input_ids', 'int64', ['text_batch_size', 'sequence_length']);
  const s = config.vision.imageSize;
  const pixels = b.input('pixel_values', 'float32', ['image_batch_size', 3, s, s]);
  const attentionMask = b.input('attention_mask', 'int64', ['text_batch_size', 'sequence_length']);
  const image = l2Normalize(b, visionTower(b, rngFor(seed, 'clip-vision'), pixels, config.vision));
  const text = l2Normalize(b, textTower(b, rngFor(seed, 'clip-text'), { ids, config: config.text, attentionMask }).embeds);
  const logitsPerText = b.mul(b.matMul(text, b.transpose(image, [1, 0])), b.constFloat(config.logitScale));
  b.output('logits_per_image', b.transpose(logitsPerText, [1, 0]), 'float32', ['image_batch_size', 'text_batch_size']);
  b.output('logits_per_text', logitsPerText, 'float32', ['text_batch_size', 'image_batch_size']);
  b.output('text_embeds', text, 'float32', ['text_batch_size', p]);
  b.output('image_embeds', image, 'float32', ['image_batch_size', p]);
  return b.toBytes();
}
