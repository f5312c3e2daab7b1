/**
 * SD1.5 VAE stand-ins (docs/model-folders.md):
 * - `vae_decoder/model.onnx`: `latent_sample` f32 [batch,4,height,width] → `sample` f32 [batch,3,8·height,8·width];
 * - `vae_encoder/model.onnx`: `sample` f32 [batch,3,height,width] → `latent_sample` f32 [batch,4,h/8,w/8]
 *   (diffusers / optimum before Oct 2024) or `latent_parameters` f32 [batch,8,h/8,w/8] (mean then logvar, newer
 *   optimum).
 * Convolutions and a ×8 DepthToSpace upsample, or a stride-8 patch conv down, so every pixel and channel matters.
 */
import { GraphBuilder } from '../onnx-builder/graph-builder.js';
import { conv2d } from '../onnx-builder/layers.js';
import { rngFor } from '../onnx-builder/prng.js';
import type { BuildOptions } from '../clip/graphs.js';

/** VAE stand-in sizes. */
export interface VaeConfig {
  /** Hidden channels. */
  channels: number;
  /** Encoder output variant. */
  encoderOutput: 'latent_sample' | 'latent_parameters';
}

/** Tiny default. */
export const TINY_VAE_CONFIG: VaeConfig = { channels: 32, encoderOutput: 'latent_sample' };

/** A medium size for benchmarks. */
export const MEDIUM_VAE_CONFIG: VaeConfig = { channels: 128, encoderOutput: 'latent_sample' };

/** `vae_decoder/model.onnx` bytes. */
export function buildVaeDecoder(config: VaeConfig, seed: number, options: BuildOptions = {}): Uint8Array {
  const c = config.channels;
  const b = new GraphBuilder({ name: 'vae_decoder', precision: options.precision });
  const rng = rngFor(seed, 'vae-decoder');
  const z = b.input('latent_sample', 'float32', ['batch', 4, 'height', 'width']);
  let h = b.silu(conv2d(b, rng, z, { inCh: 4, outCh: c, kernel: 3, name: 'conv_in' }));
  h = b.add(h, b.silu(conv2d(b, rng, h, { inCh: c, outCh: c, kernel: 3, name: 'mid.conv' })));
  // ×8 upsample: 3·64 channels rearranged into 8×8 pixel blocks, then a 3×3 conv mixes across block borders.
  const up = b.op('DepthToSpace', [conv2d(b, rng, h, { inCh: c, outCh: 3 * 64, kernel: 1, name: 'to_pixels' })], { blocksize: 8, mode: 'CRD' });
  const out = conv2d(b, rng, up, { inCh: 3, outCh: 3, kernel: 3, std: 0.2, name: 'conv_out' });
  b.output('sample', out, 'float32', ['batch', 3, 'height_out', 'width_out']);
  return b.toBytes();
}

/** `vae_encoder/model.onnx` bytes; the output name and channel count follow `config.encoderOutput`. */
export function buildVaeEncoder(config: VaeConfig, seed: number, options: BuildOptions = {}): Uint8Array {
  const c = config.channels;
  const b = new GraphBuilder({ name: 'vae_encoder', precision: options.precision });
  const rng = rngFor(seed, 'vae-encoder');
  const x = b.input('sample', 'float32', ['batch', 3, 'height', 'width']);
  let h = b.silu(conv2d(b, rng, x, { inCh: 3, outCh: c, kernel: 8, stride: 8, name: 'patchify' }));
  h = b.add(h, b.silu(conv2d(b, rng, h, { inCh: c, outCh: c, kernel: 3, name: 'mid.conv' })));
  const outCh = config.encoderOutput === 'latent_parameters' ? 8 : 4;
  const out = conv2d(b, rng, h, { inCh: c, outCh, kernel: 1, name: 'conv_out' });
  b.output(config.encoderOutput, out, 'float32', ['batch', outCh, 'height_latent', 'width_latent']);
  return b.toBytes();
}
