/**
 * SD1.5's AutoencoderKL (LDM `Encoder`/`Decoder`, ComfyUI `comfy/ldm/modules/diffusionmodules/model.py`) as two
 * ONNX graphs over the checkpoint's `first_stage_model.*` weights: ResnetBlocks (GroupNorm 32, eps 1e-6, swish),
 * a single-head mid attention, down-sampling by a stride-2 conv after (0, 1, 0, 1) padding, nearest ×2 up-sampling.
 * Widths, levels and blocks per level are read from the shapes (docs/ldm-checkpoints.md).
 *
 * Signatures as the diffusers/optimum exports (docs/model-folders.md): the decoder takes `latent_sample` f32
 * [batch, z, h, w] (the raw latent: LATENT values, already divided by 0.18215) through post_quant_conv and
 * returns `sample` [batch, 3, 8h, 8w] in about −1 … 1; the encoder takes `sample` [batch, 3, H, W] in −1 … 1 and
 * returns `latent_parameters` [batch, 2z, H/8, W/8] (mean ‖ logvar, after quant_conv).
 */
import { GraphBuilder } from '../onnx-builder/graph-builder.js';
import { conv, fusedAttention, fromTokens, groupNorm, linear, type Net, silu, toTokens, upsampleNearest2x } from '../weights/torch-layers.js';
import type { WeightPlan } from '../weights/weight-plan.js';

/** The VAE's key prefix in a single-file checkpoint. */
export const VAE_PREFIX = 'first_stage_model.';

/** What the weights say about the autoencoder. */
export interface LdmVaeStructure {
  /** Channels per level, e.g. [128, 256, 512, 512]. */
  readonly levels: readonly number[];
  /** ResnetBlocks per encoder level (the decoder has one more). */
  readonly resBlocks: number;
  /** Latent channels z (4). */
  readonly zChannels: number;
  readonly imageChannels: number;
}

function count(keys: readonly string[], prefix: string): number {
  let n = 0;
  while (keys.some((k) => k.startsWith(`${prefix}${n}.`))) n++;
  return n;
}

/**
 * Reads the structure from `first_stage_model.*` (pass the key prefix for a standalone VAE file: `''`).
 * @throws WeightKeyError when a key every AutoencoderKL has is missing
 */
export function readVaeStructure(w: WeightPlan, allKeys: readonly string[], prefix = VAE_PREFIX): LdmVaeStructure {
  const keys = allKeys.filter((k) => k.startsWith(`${prefix}encoder.down.`));
  const nLevels = count(keys, `${prefix}encoder.down.`);
  const levels = Array.from({ length: nLevels }, (_, i) => w.shape(`${prefix}encoder.down.${i}.block.0.conv1.weight`)[0]!);
  const resBlocks = count(keys, `${prefix}encoder.down.0.block.`);
  const zChannels = w.shape(`${prefix}post_quant_conv.weight`)[0]!;
  const imageChannels = w.shape(`${prefix}encoder.conv_in.weight`)[1]!;
  return { levels, resBlocks, zChannels, imageChannels };
}

function resnetBlock(n: Net, x: string, key: string, inCh: number, outCh: number): string {
  let h = silu(n, groupNorm(n, x, `${key}.norm1`, { channels: inCh, eps: 1e-6 }));
  h = conv(n, h, `${key}.conv1`, { inCh, outCh, kernel: 3 });
  h = silu(n, groupNorm(n, h, `${key}.norm2`, { channels: outCh, eps: 1e-6 }));
  h = conv(n, h, `${key}.conv2`, { inCh: outCh, outCh, kernel: 3 });
  const skip = inCh === outCh ? x : conv(n, x, `${key}.nin_shortcut`, { inCh, outCh, kernel: 1, pad: 0 });
  return n.b.add(skip, h);
}

/** `AttnBlock`: one head over the H·W positions, q/k/v/proj_out as 1×1 convs (or linears in converted files). */
function attnBlock(n: Net, x: string, key: string, ch: number): string {
  const tokens = toTokens(n, groupNorm(n, x, `${key}.norm`, { channels: ch, eps: 1e-6 }));
  const proj = (name: string) => linear(n, tokens, `${key}.${name}`, { inDim: ch, outDim: ch });
  const merged = fusedAttention(n, { q: proj('q'), k: proj('k'), v: proj('v'), heads: 1 });
  const out = linear(n, merged, `${key}.proj_out`, { inDim: ch, outDim: ch });
  return n.b.add(x, fromTokens(n, out, x));
}

function midBlock(n: Net, x: string, key: string, ch: number): string {
  const h = resnetBlock(n, x, `${key}.block_1`, ch, ch);
  return resnetBlock(n, attnBlock(n, h, `${key}.attn_1`, ch), `${key}.block_2`, ch, ch);
}

/** Builds the encoder graph: image → `latent_parameters` (mean ‖ logvar). */
export function buildLdmVaeEncoder(s: LdmVaeStructure, w: WeightPlan, prefix = VAE_PREFIX): GraphBuilder {
  const b = new GraphBuilder({ name: 'ldm_vae_encoder' });
  const n: Net = { b, w };
  const e = `${prefix}encoder`;
  const x = b.input('sample', 'float32', ['batch', s.imageChannels, 'height', 'width']);
  let ch = s.levels[0]!;
  let h = conv(n, x, `${e}.conv_in`, { inCh: s.imageChannels, outCh: ch, kernel: 3 });
  s.levels.forEach((out, i) => {
    for (let j = 0; j < s.resBlocks; j++) {
      h = resnetBlock(n, h, `${e}.down.${i}.block.${j}`, ch, out);
      ch = out;
    }
    if (i < s.levels.length - 1) {
      // torch pads (left 0, right 1, top 0, bottom 1) before a stride-2 valid conv: ONNX pads [top, left, bottom, right].
      const key = `${e}.down.${i}.downsample.conv`;
      const weight = w.param(b, `${key}.weight`, [ch, ch, 3, 3]);
      h = b.op('Conv', [h, weight, w.param(b, `${key}.bias`, [ch])], { kernel_shape: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1] });
    }
  });
  h = midBlock(n, h, `${e}.mid`, ch);
  h = silu(n, groupNorm(n, h, `${e}.norm_out`, { channels: ch, eps: 1e-6 }));
  h = conv(n, h, `${e}.conv_out`, { inCh: ch, outCh: 2 * s.zChannels, kernel: 3 });
  h = conv(n, h, `${prefix}quant_conv`, { inCh: 2 * s.zChannels, outCh: 2 * s.zChannels, kernel: 1, pad: 0 });
  b.output('latent_parameters', h, 'float32', ['batch', 2 * s.zChannels, 'latent_height', 'latent_width']);
  return b;
}

/** Builds the decoder graph: `latent_sample` → image in about −1 … 1. */
export function buildLdmVaeDecoder(s: LdmVaeStructure, w: WeightPlan, prefix = VAE_PREFIX): GraphBuilder {
  const b = new GraphBuilder({ name: 'ldm_vae_decoder' });
  const n: Net = { b, w };
  const d = `${prefix}decoder`;
  const z = b.input('latent_sample', 'float32', ['batch', s.zChannels, 'latent_height', 'latent_width']);
  let h = conv(n, z, `${prefix}post_quant_conv`, { inCh: s.zChannels, outCh: s.zChannels, kernel: 1, pad: 0 });
  let ch = s.levels[s.levels.length - 1]!;
  h = conv(n, h, `${d}.conv_in`, { inCh: s.zChannels, outCh: ch, kernel: 3 });
  h = midBlock(n, h, `${d}.mid`, ch);
  for (let i = s.levels.length - 1; i >= 0; i--) {
    const out = s.levels[i]!;
    for (let j = 0; j <= s.resBlocks; j++) {
      h = resnetBlock(n, h, `${d}.up.${i}.block.${j}`, ch, out);
      ch = out;
    }
    if (i > 0) h = conv(n, upsampleNearest2x(n, h), `${d}.up.${i}.upsample.conv`, { inCh: ch, outCh: ch, kernel: 3 });
  }
  h = silu(n, groupNorm(n, h, `${d}.norm_out`, { channels: ch, eps: 1e-6 }));
  h = conv(n, h, `${d}.conv_out`, { inCh: ch, outCh: s.imageChannels, kernel: 3 });
  b.output('sample', h, 'float32', ['batch', s.imageChannels, 'height', 'width']);
  return b;
}
