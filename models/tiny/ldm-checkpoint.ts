/**
 * A tiny SD1.5 single-file checkpoint in the real LDM key layout (docs/ldm-checkpoints.md): the UNet under
 * `model.diffusion_model.` with SD1.5's block structure (channel mult 1-2-4-4, 2 ResBlocks per level, attention
 * at the first three levels, one transformer block each) at a small width, the AutoencoderKL under
 * `first_stage_model.`, and an HF CLIPTextModel under `cond_stage_model.transformer.text_model.`. Only the widths
 * differ from v1-5-pruned-emaonly.safetensors, so the real loader and converter run on it. Weights are seeded
 * normals (1/√fan-in), norms near 1, so activations stay in range through the whole network.
 */
import { randomNormal, rngFor } from '../onnx-builder/prng.js';
import type { SafetensorsDtype, SafetensorsTensorInput } from '../safetensors/write.js';

/** Sizes of the tiny checkpoint. */
export interface LdmCheckpointConfig {
  readonly unet: {
    readonly modelChannels: number;
    readonly channelMult: readonly number[];
    readonly resBlocks: number;
    /** Levels (indices into channelMult) with a SpatialTransformer after each ResBlock. */
    readonly attentionLevels: readonly number[];
    readonly contextDim: number;
  };
  readonly vae: { readonly levels: readonly number[]; readonly resBlocks: number; readonly zChannels: number };
  readonly text: { readonly vocabSize: number; readonly width: number; readonly layers: number; readonly intermediate: number; readonly positions: number };
}

/** SD1.5's structure at width 32 (UNet), 32 (VAE) and a 768-wide one-layer text tower. */
export const TINY_LDM_CONFIG: LdmCheckpointConfig = {
  unet: { modelChannels: 32, channelMult: [1, 2, 4, 4], resBlocks: 2, attentionLevels: [0, 1, 2], contextDim: 768 },
  vae: { levels: [32, 32, 32, 32], resBlocks: 1, zChannels: 4 },
  text: { vocabSize: 1118, width: 768, layers: 1, intermediate: 128, positions: 77 },
};

/** The real SD1.5 sizes (v1-inference.yaml), for benchmarks. */
export const SD15_LDM_CONFIG: LdmCheckpointConfig = {
  unet: { modelChannels: 320, channelMult: [1, 2, 4, 4], resBlocks: 2, attentionLevels: [0, 1, 2], contextDim: 768 },
  vae: { levels: [128, 256, 512, 512], resBlocks: 2, zChannels: 4 },
  text: { vocabSize: 49408, width: 768, layers: 12, intermediate: 3072, positions: 77 },
};

type Shapes = Map<string, number[]>;

function norm(s: Shapes, key: string, ch: number): void {
  s.set(`${key}.weight`, [ch]);
  s.set(`${key}.bias`, [ch]);
}

function conv(s: Shapes, key: string, out: number, inCh: number, k: number): void {
  s.set(`${key}.weight`, [out, inCh, k, k]);
  s.set(`${key}.bias`, [out]);
}

function lin(s: Shapes, key: string, out: number, inDim: number, bias = true): void {
  s.set(`${key}.weight`, [out, inDim]);
  if (bias) s.set(`${key}.bias`, [out]);
}

function unetRes(s: Shapes, key: string, inCh: number, out: number, temb: number): void {
  norm(s, `${key}.in_layers.0`, inCh);
  conv(s, `${key}.in_layers.2`, out, inCh, 3);
  lin(s, `${key}.emb_layers.1`, out, temb);
  norm(s, `${key}.out_layers.0`, out);
  conv(s, `${key}.out_layers.3`, out, out, 3);
  if (inCh !== out) conv(s, `${key}.skip_connection`, out, inCh, 1);
}

function unetAttn(s: Shapes, key: string, ch: number, ctx: number): void {
  norm(s, `${key}.norm`, ch);
  conv(s, `${key}.proj_in`, ch, ch, 1);
  const t = `${key}.transformer_blocks.0`;
  for (const a of ['attn1', 'attn2']) {
    lin(s, `${t}.${a}.to_q`, ch, ch, false);
    lin(s, `${t}.${a}.to_k`, ch, a === 'attn1' ? ch : ctx, false);
    lin(s, `${t}.${a}.to_v`, ch, a === 'attn1' ? ch : ctx, false);
    lin(s, `${t}.${a}.to_out.0`, ch, ch);
  }
  for (const n of ['norm1', 'norm2', 'norm3']) norm(s, `${t}.${n}`, ch);
  lin(s, `${t}.ff.net.0.proj`, 8 * ch, ch);
  lin(s, `${t}.ff.net.2`, ch, 4 * ch);
  conv(s, `${key}.proj_out`, ch, ch, 1);
}

function unetShapes(s: Shapes, c: LdmCheckpointConfig['unet']): void {
  const p = 'model.diffusion_model.';
  const mc = c.modelChannels;
  const temb = 4 * mc;
  lin(s, `${p}time_embed.0`, temb, mc);
  lin(s, `${p}time_embed.2`, temb, temb);
  conv(s, `${p}input_blocks.0.0`, mc, 4, 3);
  const skips = [mc];
  let ch = mc;
  let block = 1;
  c.channelMult.forEach((m, level) => {
    for (let j = 0; j < c.resBlocks; j++, block++) {
      unetRes(s, `${p}input_blocks.${block}.0`, ch, mc * m, temb);
      ch = mc * m;
      if (c.attentionLevels.includes(level)) unetAttn(s, `${p}input_blocks.${block}.1`, ch, c.contextDim);
      skips.push(ch);
    }
    if (level < c.channelMult.length - 1) {
      conv(s, `${p}input_blocks.${block++}.0.op`, ch, ch, 3);
      skips.push(ch);
    }
  });
  unetRes(s, `${p}middle_block.0`, ch, ch, temb);
  unetAttn(s, `${p}middle_block.1`, ch, c.contextDim);
  unetRes(s, `${p}middle_block.2`, ch, ch, temb);
  let out = 0;
  for (let level = c.channelMult.length - 1; level >= 0; level--) {
    for (let j = 0; j <= c.resBlocks; j++, out++) {
      const target = mc * c.channelMult[level]!;
      unetRes(s, `${p}output_blocks.${out}.0`, ch + skips.pop()!, target, temb);
      ch = target;
      let sub = 1;
      if (c.attentionLevels.includes(level)) unetAttn(s, `${p}output_blocks.${out}.${sub++}`, ch, c.contextDim);
      if (level > 0 && j === c.resBlocks) conv(s, `${p}output_blocks.${out}.${sub}.conv`, ch, ch, 3);
    }
  }
  norm(s, `${p}out.0`, mc);
  conv(s, `${p}out.2`, 4, mc, 3);
}

function vaeRes(s: Shapes, key: string, inCh: number, out: number): void {
  norm(s, `${key}.norm1`, inCh);
  conv(s, `${key}.conv1`, out, inCh, 3);
  norm(s, `${key}.norm2`, out);
  conv(s, `${key}.conv2`, out, out, 3);
  if (inCh !== out) conv(s, `${key}.nin_shortcut`, out, inCh, 1);
}

function vaeMid(s: Shapes, key: string, ch: number): void {
  vaeRes(s, `${key}.block_1`, ch, ch);
  norm(s, `${key}.attn_1.norm`, ch);
  for (const n of ['q', 'k', 'v', 'proj_out']) conv(s, `${key}.attn_1.${n}`, ch, ch, 1);
  vaeRes(s, `${key}.block_2`, ch, ch);
}

function vaeShapes(s: Shapes, c: LdmCheckpointConfig['vae']): void {
  const p = 'first_stage_model.';
  const L = c.levels;
  conv(s, `${p}encoder.conv_in`, L[0]!, 3, 3);
  let ch = L[0]!;
  L.forEach((out, i) => {
    for (let j = 0; j < c.resBlocks; j++) {
      vaeRes(s, `${p}encoder.down.${i}.block.${j}`, ch, out);
      ch = out;
    }
    if (i < L.length - 1) conv(s, `${p}encoder.down.${i}.downsample.conv`, ch, ch, 3);
  });
  vaeMid(s, `${p}encoder.mid`, ch);
  norm(s, `${p}encoder.norm_out`, ch);
  conv(s, `${p}encoder.conv_out`, 2 * c.zChannels, ch, 3);
  conv(s, `${p}quant_conv`, 2 * c.zChannels, 2 * c.zChannels, 1);
  conv(s, `${p}post_quant_conv`, c.zChannels, c.zChannels, 1);
  conv(s, `${p}decoder.conv_in`, ch, c.zChannels, 3);
  vaeMid(s, `${p}decoder.mid`, ch);
  for (let i = L.length - 1; i >= 0; i--) {
    for (let j = 0; j <= c.resBlocks; j++) {
      vaeRes(s, `${p}decoder.up.${i}.block.${j}`, ch, L[i]!);
      ch = L[i]!;
    }
    if (i > 0) conv(s, `${p}decoder.up.${i}.upsample.conv`, ch, ch, 3);
  }
  norm(s, `${p}decoder.norm_out`, ch);
  conv(s, `${p}decoder.conv_out`, 3, ch, 3);
}

/** HF CLIPTextModel keys under `prefix` (`cond_stage_model.transformer.text_model.` in a checkpoint). */
export function clipTextShapes(s: Shapes, c: LdmCheckpointConfig['text'], prefix: string): void {
  const d = c.width;
  s.set(`${prefix}embeddings.token_embedding.weight`, [c.vocabSize, d]);
  s.set(`${prefix}embeddings.position_embedding.weight`, [c.positions, d]);
  for (let i = 0; i < c.layers; i++) {
    const l = `${prefix}encoder.layers.${i}`;
    for (const n of ['q_proj', 'k_proj', 'v_proj', 'out_proj']) lin(s, `${l}.self_attn.${n}`, d, d);
    norm(s, `${l}.layer_norm1`, d);
    lin(s, `${l}.mlp.fc1`, c.intermediate, d);
    lin(s, `${l}.mlp.fc2`, d, c.intermediate);
    norm(s, `${l}.layer_norm2`, d);
  }
  norm(s, `${prefix}final_layer_norm`, d);
}

/** Every key of a checkpoint with `config`'s sizes and its shape, in the order the file stores them. */
export function ldmCheckpointShapes(config: LdmCheckpointConfig): Map<string, number[]> {
  const s: Shapes = new Map();
  unetShapes(s, config.unet);
  vaeShapes(s, config.vae);
  clipTextShapes(s, config.text, 'cond_stage_model.transformer.text_model.');
  return s;
}

/**
 * The channels of the 16 attn2 layers in IP-Adapter's order (input blocks, output blocks, middle block), e.g.
 * 320, 320, 640, 640, 1280, 1280, 1280 ×3, 640 ×3, 320 ×3, 1280 for SD1.5.
 */
export function ldmCrossAttentionChannels(c: LdmCheckpointConfig): number[] {
  const u = c.unet;
  const ch = (level: number) => u.modelChannels * u.channelMult[level]!;
  const levels = u.channelMult.map((_, l) => l).filter((l) => u.attentionLevels.includes(l));
  const input = levels.flatMap((l) => Array.from({ length: u.resBlocks }, () => ch(l)));
  const output = [...levels].reverse().flatMap((l) => Array.from({ length: u.resBlocks + 1 }, () => ch(l)));
  return [...input, ...output, ch(u.channelMult.length - 1)];
}

/** Seeded values for one tensor: norm scales near 1, biases small, weights N(0, 1/fan-in). */
export function seededTensor(seed: number, key: string, shape: readonly number[]): Float32Array {
  const rng = rngFor(seed, key);
  const size = shape.reduce((a, b) => a * b, 1);
  const isNorm = /(norm\d?|norm_out|layer_norm\d|final_layer_norm|in_layers\.0|out_layers\.0|out\.0)\.weight$/.test(key);
  if (isNorm) return randomNormal(rng, size, 0.1, 1);
  if (key.endsWith('.bias')) return randomNormal(rng, size, 0.02);
  if (key.includes('embedding')) return randomNormal(rng, size, 0.5);
  const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
  return randomNormal(rng, size, 1 / Math.sqrt(fanIn));
}

/** All tensors of the tiny checkpoint in `dtype` (F16 like most downloads). */
export function buildLdmCheckpointTensors(config: LdmCheckpointConfig, seed: number, dtype: SafetensorsDtype = 'F16'): Record<string, SafetensorsTensorInput> {
  const out: Record<string, SafetensorsTensorInput> = {};
  for (const [key, shape] of ldmCheckpointShapes(config)) out[key] = { dtype, shape, data: seededTensor(seed, key, shape) };
  return out;
}
