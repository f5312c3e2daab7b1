/**
 * A tiny CLIP whose image embedding keeps low-level (perceptual) information, for the DeCLIP synthetic proof.
 *
 * The default tiny ViT (`clip-towers.ts`) pools a CLS token over per-token LayerNormed linear patch embeddings: the
 * pooled vector is close to a linear function of the image, and blur, a mean-preserving linear filter, leaves no
 * trace that a read-out of it can find (a linear probe reads blur at r ≈ 0). Real CLIP encoders see blur because
 * their many nonlinear layers measure local energy at several scales. This variant adds that in one cheap,
 * explicit piece next to the same ViT: a global local-energy descriptor (zero-mean filters at several scales,
 * thresholded squared responses, image mean, log, LayerNorm), added to the pooled CLS vector before the
 * projection. The text tower and the folder layout are the standard tiny ones, so every CLIP loader reads it.
 */
import path from 'node:path';
import { GraphBuilder } from '../onnx-builder/graph-builder.js';
import { expandToBatch, layerNorm, linear, transformerLayer } from '../onnx-builder/layers.js';
import { rngFor, type Rng } from '../onnx-builder/prng.js';
import { buildClipText, type ClipConfig } from '../clip/graphs.js';
import { clipConfigJson, preprocessorConfig } from './clip-folder.js';
import type { ClipTextConfig, ClipVisionConfig } from '../clip/tower-graphs.js';
import { tokenizerFiles, type TinyVocab } from './vocab.js';
import { writeFileAtomic } from './write-file.js';

/** Image tower of the probe CLIP: a ViT config plus the local-energy branch. */
export interface ProbeVisionConfig extends ClipVisionConfig {
  /** Energy filters per scale C. */
  energyChannels: number;
  /** Odd filter side k. */
  energyKernel: number;
  /**
   * Scales s of the branch (pixels): at scale s the image is box-filtered over s×s and the filters are dilated by
   * s, so s = 1 sees the finest detail and larger s coarser edges. Blur removes fine energy, not coarse energy.
   */
  energyScales: readonly number[];
  /** Largest response threshold, in normalised pixel units; channel c of a scale uses t_max·c/(C−1). */
  energyThreshold: number;
}

/** Both towers of the probe CLIP. */
export interface ProbeClipConfig extends Omit<ClipConfig, 'vision'> {
  vision: ProbeVisionConfig;
}

/**
 * The proof's image tower: 64 px input (the synth images' size, so nothing is resampled), patch 8, width 128, one
 * layer, P = 64; energy filters 3×3, 16 per scale at scales 1, 2 and 4 px, thresholds 0..2. Linear probes on its
 * embedding read blur level at r ≈ 0.55 on the 'controlled' synth set (noise 0.6, contrast 0.8, brightness 0.9).
 */
export const PROBE_VISION_CONFIG: ProbeVisionConfig = {
  imageSize: 64, patchSize: 8, width: 128, layers: 1, heads: 4, projectionDim: 64,
  energyChannels: 16, energyKernel: 3, energyScales: [1, 2, 4], energyThreshold: 2,
};

/** The proof's text tower for a vocabulary of `vocabSize` ids: width 256, 2 causal layers, P = 64. */
export function probeTextConfig(vocabSize: number): ClipTextConfig {
  return { vocabSize, maxPositions: 77, width: 256, layers: 2, heads: 4, projectionDim: 64, causal: true };
}

/**
 * Pixel values [B,3,S,S] → image embedding [B,P] (not normalised): the default tiny ViT's pooled CLS vector plus a
 * global local-energy descriptor, projected together.
 */
export function probeVisionTower(b: GraphBuilder, rng: Rng, pixels: string, c: ProbeVisionConfig): string {
  if (c.imageSize % c.patchSize !== 0) {
    throw new Error(`probe CLIP vision config: imageSize ${c.imageSize} is not a multiple of patchSize ${c.patchSize}`);
  }
  if (c.energyKernel % 2 !== 1) throw new Error(`probe CLIP vision config: energyKernel must be odd, got ${c.energyKernel}`);
  const grid = c.imageSize / c.patchSize;
  const std = 1 / Math.sqrt(c.width);
  const convW = b.weight(rng, [c.width, 3, c.patchSize, c.patchSize], 1 / Math.sqrt(3 * c.patchSize ** 2), 'vision.patch.weight');
  const patches = b.op('Conv', [pixels, convW], { kernel_shape: [c.patchSize, c.patchSize], strides: [c.patchSize, c.patchSize] });
  const seq = b.transpose(b.reshape(patches, [0, c.width, -1]), [0, 2, 1]);
  const cls = expandToBatch(b, b.weight(rng, [1, 1, c.width], std, 'vision.class_embedding'), pixels, [1, c.width]);
  let x = b.add(b.concat([cls, seq], 1), b.weight(rng, [1, grid * grid + 1, c.width], std, 'vision.position_embedding'));
  x = layerNorm(b, rng, x, c.width, 'vision.pre_layrnorm');
  for (let i = 0; i < c.layers; i++) x = transformerLayer(b, rng, { x, dim: c.width, heads: c.heads, name: `vision.layer${i}` });
  const pooled = layerNorm(b, rng, b.gather(x, b.constInt64([0], [], 'cls_index'), 1), c.width, 'vision.post_layernorm');
  const pooledEnergy = energyDescriptor(b, rng, pixels, c);
  return linear(b, rng, b.add(pooled, pooledEnergy), { inDim: c.width, outDim: c.projectionDim, bias: false, name: 'vision.projection' });
}

/**
 * The local-energy descriptor [B,width]: per scale and channel the image mean of a thresholded squared filter
 * response (an energy model of V1 complex cells), then log and LayerNorm over the channels, then a linear map.
 * The log turns the edge strength and the amount of edges, which scale every energy alike, into one offset that
 * the LayerNorm's centring removes; what is left are energy ratios between scales (blur, fine versus coarse) and
 * thresholds (noise, contrast), which a linear read-out can use.
 */
function energyDescriptor(b: GraphBuilder, rng: Rng, pixels: string, c: ProbeVisionConfig): string {
  const maps = c.energyScales.map((s, i) => energyMap(b, rng, { pixels, c, scale: s, name: `vision.energy${i}` }));
  const channels = c.energyChannels * c.energyScales.length;
  const means = b.reduceMean(b.concat(maps, 1), [2, 3], 0);
  const logs = b.op('Log', [b.add(means, b.constFloat(1e-4))]);
  const normed = layerNorm(b, rng, logs, channels, 'vision.energy_norm');
  return linear(b, rng, normed, { inDim: channels, outDim: c.width, bias: false, std: 1 / Math.sqrt(channels), name: 'vision.energy_proj' });
}

/** Energy maps [B,C,S,S] of one scale: ReLU(|k_c ∗ box_s(x)| − t_c)², filters dilated by s. */
function energyMap(b: GraphBuilder, rng: Rng, o: { pixels: string; c: ProbeVisionConfig; scale: number; name: string }): string {
  const { c, scale: s } = o;
  const n = c.energyChannels;
  const lo = Math.floor((s - 1) / 2);
  const smoothed = s > 1 ? b.op('AveragePool', [o.pixels], { kernel_shape: [s, s], pads: [lo, lo, s - 1 - lo, s - 1 - lo], count_include_pad: 0 }) : o.pixels;
  const response = b.op('Conv', [smoothed, energyKernels(b, rng, c, o.name)], {
    kernel_shape: [c.energyKernel, c.energyKernel], dilations: [s, s], pads: Array(4).fill((s * (c.energyKernel - 1)) / 2),
  });
  const thresholds = Float32Array.from({ length: n }, (_, i) => c.energyThreshold * (n > 1 ? i / (n - 1) : 0));
  const above = b.op('Relu', [b.sub(b.op('Abs', [response]), b.floatInit(thresholds, [1, n, 1, 1], `${o.name}.threshold`))]);
  return b.mul(above, above);
}

/**
 * Filters [C,3,k,k]: Gaussian draws with each filter's mean removed, so a flat region gives 0 and the response is
 * local contrast (edges, texture, noise); unit norm, so white noise of unit variance gives unit variance.
 */
function energyKernels(b: GraphBuilder, rng: Rng, c: ProbeVisionConfig, name: string): string {
  const per = 3 * c.energyKernel ** 2;
  const data = new Float32Array(c.energyChannels * per);
  for (let o = 0; o < c.energyChannels; o++) {
    const w = Array.from({ length: per }, () => rng.normal());
    const mean = w.reduce((sum, v) => sum + v, 0) / per;
    const norm = Math.sqrt(w.reduce((sum, v) => sum + (v - mean) ** 2, 0)) || 1;
    w.forEach((v, i) => (data[o * per + i] = (v - mean) / norm));
  }
  return b.floatInit(data, [c.energyChannels, 3, c.energyKernel, c.energyKernel], `${name}.weight`);
}

/** `vision_model.onnx` bytes of the probe image tower. */
export function buildProbeClipVision(config: ProbeVisionConfig, seed: number): Uint8Array {
  const b = new GraphBuilder({ name: 'clip_vision_probe' });
  const pixels = b.input('pixel_values', 'float32', ['batch', 3, config.imageSize, config.imageSize]);
  const embeds = probeVisionTower(b, rngFor(seed, 'clip-vision'), pixels, config);
  b.output('image_embeds', embeds, 'float32', ['batch', config.projectionDim]);
  return b.toBytes();
}

/**
 * Writes a split-layout CLIP folder (`vision_model.onnx`, `text_model.onnx`, `config.json`,
 * `preprocessor_config.json`, tokenizer files) with the probe image tower; returns the paths written.
 */
export function writeProbeClipFolder(dir: string, o: { config: ProbeClipConfig; vocab: TinyVocab; seed: number }): string[] {
  if (o.config.text.vocabSize !== o.vocab.size) {
    throw new Error(`probe CLIP config: text vocabSize ${o.config.text.vocabSize} differs from the vocabulary's ${o.vocab.size} ids`);
  }
  const files: Record<string, Uint8Array | string> = {
    'vision_model.onnx': buildProbeClipVision(o.config.vision, o.seed),
    'text_model.onnx': buildClipText(o.config.text, o.seed),
    'config.json': JSON.stringify(clipConfigJson(o.config, o.vocab), null, 2),
    'preprocessor_config.json': JSON.stringify(preprocessorConfig(o.config.vision.imageSize), null, 2),
    ...tokenizerFiles(o.vocab),
  };
  return Object.entries(files).map(([name, data]) => writeFileAtomic(path.join(dir, name), data));
}
