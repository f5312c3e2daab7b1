/**
 * Tiny DeCLIP projector weights in the project's format (docs/model-folders.md): ResMLP x + W2·SiLU(W1·x + b1) per branch,
 * stored as `perceptual.fc1.weight` [h,d], `perceptual.fc1.bias` [h], `perceptual.fc2.weight` [d,h] (bias-free) and
 * the same under `semantic.`, PyTorch [out, in] layout, plus string `__metadata__`.
 */
import { randomNormal, rngFor } from '../onnx-builder/prng.js';
import type { SafetensorsDtype, SafetensorsTensorInput } from '../safetensors/write.js';

/** Projector sizes. */
export interface DeclipConfig {
  /** CLIP embedding size d (1024 for ViT-H). */
  embedDim: number;
  /** Hidden size h (1024 in the paper). */
  hiddenDim: number;
  /**
   * Std of W2. 0 gives the paper's zero initialisation (DeCLIP = CLIP exactly); a small nonzero value gives
   * "trained-looking" projectors whose perceptual and semantic outputs differ.
   */
  fc2Std: number;
}

/** The two projector branches, in file order. */
export const DECLIP_BRANCHES = ['perceptual', 'semantic'] as const;

/** All projector tensors. Each branch has its own seed stream. */
export function buildDeclipTensors(
  config: DeclipConfig,
  seed: number,
  dtype: SafetensorsDtype = 'F32',
): Record<string, SafetensorsTensorInput> {
  const { embedDim: d, hiddenDim: h } = config;
  const tensors: Record<string, SafetensorsTensorInput> = {};
  for (const branch of DECLIP_BRANCHES) {
    const rng = rngFor(seed, `declip.${branch}`);
    tensors[`${branch}.fc1.weight`] = { dtype, shape: [h, d], data: randomNormal(rng, h * d, 1 / Math.sqrt(d)) };
    tensors[`${branch}.fc1.bias`] = { dtype, shape: [h], data: randomNormal(rng, h, 0.02) };
    const fc2 = config.fc2Std === 0 ? new Float32Array(d * h) : randomNormal(rng, d * h, config.fc2Std);
    tensors[`${branch}.fc2.weight`] = { dtype, shape: [d, h], data: fc2 };
  }
  return tensors;
}

/** `__metadata__` naming the format, sizes and the CLIP model the projectors belong to. */
export function declipMetadata(config: DeclipConfig, clipName: string): Record<string, string> {
  return {
    format: 'declip-projectors',
    embed_dim: String(config.embedDim),
    hidden_dim: String(config.hiddenDim),
    clip: clipName,
  };
}
