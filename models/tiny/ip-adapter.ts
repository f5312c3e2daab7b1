/**
 * Tiny IP-Adapter SD1.5 weights with the keys of the real `ip-adapter_sd15.safetensors` (docs/model-folders.md):
 * - `image_proj.proj.weight` [tokens·crossDim, imageEmbedDim] = [3072, 1024], `image_proj.proj.bias` [3072],
 *   `image_proj.norm.weight` / `.bias` [768] (ImageProjModel: Linear, reshape to [4, 768], LayerNorm eps 1e-5);
 * - `ip_adapter.{k}.to_k_ip.weight` / `.to_v_ip.weight` [C_k, 768] for k = 1, 3, …, 31 (PyTorch [out, in] layout).
 * The image projection has the real sizes (its input is the ViT-H embedding and its output the UNet's 768-d
 * context). The per-layer C_k are the tiny UNet's channel count instead of 320/640/1280, which keeps the file small;
 * the tiny IP UNet bakes in exactly these to_k_ip/to_v_ip weights (see {@link ipLayerWeights}).
 */
import { randomNormal, rngFor } from '../onnx-builder/prng.js';
import type { SafetensorsDtype, SafetensorsTensorInput } from '../safetensors/write.js';

/** Sizes of the adapter. */
export interface IpAdapterConfig {
  /** CLIP image embedding size d (1024 for ViT-H). */
  imageEmbedDim: number;
  /** UNet cross-attention size (768 for SD1.5). */
  crossAttentionDim: number;
  /** Image tokens (4 for the base adapter). */
  tokens: number;
  /** C_k of each of the 16 IP layers, in key order k = 1, 3, …, 31. */
  layerChannels: readonly number[];
}

/** Tiny default: real projection sizes, 16 IP layers of 32 channels (the tiny UNet's width). */
export const TINY_IP_ADAPTER_CONFIG: IpAdapterConfig = {
  imageEmbedDim: 1024,
  crossAttentionDim: 768,
  tokens: 4,
  layerChannels: Array.from({ length: 16 }, () => 32),
};

/** Real SD1.5 layer channels (table in docs/model-folders.md), for benchmarks. */
export const SD15_IP_LAYER_CHANNELS: readonly number[] = [
  320, 320, 640, 640, 1280, 1280, 1280, 1280, 1280, 640, 640, 640, 320, 320, 320, 1280,
];

/** The safetensors key index of IP layer `i` (0-based): k = 2i + 1. */
export function ipLayerKey(i: number): number {
  return 2 * i + 1;
}

/**
 * Seeded to_k_ip / to_v_ip weights of IP layer `i`, each [channels, crossDim] (PyTorch layout). The IP UNet and
 * the safetensors file both call this, so with one seed they hold the same weights.
 */
export function ipLayerWeights(
  seed: number,
  o: { layer: number; channels: number; crossAttentionDim: number },
): { toK: Float32Array; toV: Float32Array } {
  const rng = rngFor(seed, `ip-adapter.layer${ipLayerKey(o.layer)}`);
  const n = o.channels * o.crossAttentionDim;
  const std = 1 / Math.sqrt(o.crossAttentionDim);
  return { toK: randomNormal(rng, n, std), toV: randomNormal(rng, n, std) };
}

/** All adapter tensors, keyed and shaped as the real file. */
export function buildIpAdapterTensors(
  config: IpAdapterConfig,
  seed: number,
  dtype: SafetensorsDtype = 'F32',
): Record<string, SafetensorsTensorInput> {
  const rng = rngFor(seed, 'ip-adapter.image_proj');
  const d = config.crossAttentionDim;
  const out = config.tokens * d;
  const t = (shape: number[], data: Float32Array): SafetensorsTensorInput => ({ dtype, shape, data });
  const tensors: Record<string, SafetensorsTensorInput> = {
    'image_proj.proj.weight': t([out, config.imageEmbedDim], randomNormal(rng, out * config.imageEmbedDim, 1 / Math.sqrt(config.imageEmbedDim))),
    'image_proj.proj.bias': t([out], randomNormal(rng, out, 0.02)),
    'image_proj.norm.weight': t([d], randomNormal(rng, d, 0.1, 1)),
    'image_proj.norm.bias': t([d], randomNormal(rng, d, 0.02)),
  };
  config.layerChannels.forEach((channels, layer) => {
    const { toK, toV } = ipLayerWeights(seed, { layer, channels, crossAttentionDim: d });
    tensors[`ip_adapter.${ipLayerKey(layer)}.to_k_ip.weight`] = t([channels, d], toK);
    tensors[`ip_adapter.${ipLayerKey(layer)}.to_v_ip.weight`] = t([channels, d], toV);
  });
  return tensors;
}

/** `__metadata__` for the adapter file (safetensors metadata values are strings). */
export function ipAdapterMetadata(config: IpAdapterConfig, seed: number): Record<string, string> {
  return {
    format: 'pt',
    perceptgraph_tiny: 'ip-adapter_sd15',
    seed: String(seed),
    tokens: String(config.tokens),
    image_embed_dim: String(config.imageEmbedDim),
  };
}
