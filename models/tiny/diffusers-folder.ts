/**
 * Writes a tiny SD1.5 diffusers folder (models/store/diffusers-layout.ts) from the tensors of a tiny LDM
 * checkpoint (ldm-checkpoint.ts): every key renamed LDM → diffusers by the same table the loader reads the other
 * way (models/ldm/diffusers-keys.ts), the VAE's 1×1-conv attention weights stored as Linear, plus the configs a
 * `save_pretrained` folder has. Same weights, other layout: the tests compare the two routes' graphs on it.
 */
import path from 'node:path';
import { TEXT_RULES, type PrefixRule, renameKey, unetRules, vaeRules } from '../ldm/diffusers-keys.js';
import { UNET_PREFIX } from '../ldm/unet-config.js';
import { VAE_PREFIX } from '../ldm/vae-graph.js';
import { encodeSafetensors, type SafetensorsTensorInput } from '../safetensors/write.js';
import type { LdmCheckpointConfig } from './ldm-checkpoint.js';
import { type TinyVocab, tokenizerFiles } from './vocab.js';
import { writeFileAtomic } from './write-file.js';

/** Options of {@link writeDiffusersFolder}. */
export interface DiffusersFolderOptions {
  readonly config: LdmCheckpointConfig;
  /** The LDM checkpoint's tensors (`buildLdmCheckpointTensors`), in any dtype. */
  readonly tensors: Readonly<Record<string, SafetensorsTensorInput>>;
  /** Writes `tokenizer/` when given. */
  readonly vocab?: TinyVocab;
}

const TEXT_PREFIX = 'cond_stage_model.transformer.';

/** SD1.5's scheduler_config.json values (PNDM as the v1-5 repo ships it). */
const SD15_SCHEDULER = {
  _class_name: 'PNDMScheduler', beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', num_train_timesteps: 1000,
  prediction_type: 'epsilon', set_alpha_to_one: false, skip_prk_steps: true, steps_offset: 1, clip_sample: false,
};

function configs(c: LdmCheckpointConfig) {
  const u = c.unet;
  const attention = u.channelMult.map((_, l) => u.attentionLevels.includes(l));
  const unet = {
    _class_name: 'UNet2DConditionModel', in_channels: 4, out_channels: 4, sample_size: 64,
    block_out_channels: u.channelMult.map((m) => m * u.modelChannels), layers_per_block: u.resBlocks,
    down_block_types: attention.map((a) => (a ? 'CrossAttnDownBlock2D' : 'DownBlock2D')),
    up_block_types: [...attention].reverse().map((a) => (a ? 'CrossAttnUpBlock2D' : 'UpBlock2D')),
    attention_head_dim: 8, cross_attention_dim: u.contextDim, norm_num_groups: 32,
  };
  const vae = {
    _class_name: 'AutoencoderKL', in_channels: 3, out_channels: 3, latent_channels: c.vae.zChannels,
    block_out_channels: c.vae.levels, layers_per_block: c.vae.resBlocks, scaling_factor: 0.18215,
  };
  const t = c.text;
  const text = {
    architectures: ['CLIPTextModel'], model_type: 'clip_text_model', hidden_size: t.width, intermediate_size: t.intermediate,
    num_hidden_layers: t.layers, num_attention_heads: Math.max(1, Math.round(t.width / 64)), hidden_act: 'quick_gelu',
    vocab_size: t.vocabSize, max_position_embeddings: t.positions, layer_norm_eps: 1e-5,
  };
  const parts = [
    { folder: 'unet', file: 'diffusion_pytorch_model.safetensors', prefix: UNET_PREFIX, rules: unetRules({ layersPerBlock: u.resBlocks, attention }), config: unet },
    { folder: 'vae', file: 'diffusion_pytorch_model.safetensors', prefix: VAE_PREFIX, rules: vaeRules({ levels: c.vae.levels.length, layersPerBlock: c.vae.resBlocks }), config: vae },
    { folder: 'text_encoder', file: 'model.safetensors', prefix: TEXT_PREFIX, rules: TEXT_RULES as PrefixRule[], config: text },
  ];
  return parts;
}

/** Writes the folder into `dir` and returns the files written. */
export function writeDiffusersFolder(dir: string, o: DiffusersFolderOptions): string[] {
  const parts = configs(o.config);
  const out = parts.map(() => ({}) as Record<string, SafetensorsTensorInput>);
  for (const [key, t] of Object.entries(o.tensors)) {
    const i = parts.findIndex((p) => key.startsWith(p.prefix));
    const r = i < 0 ? undefined : renameKey(key.slice(parts[i]!.prefix.length), parts[i]!.rules, 'ldm');
    if (!r) throw new Error(`tiny diffusers folder: no diffusers name for "${key}"`);
    out[i]![r.key] = r.linearAsConv ? { ...t, shape: t.shape.slice(0, 2) } : t;
  }
  const json = (v: unknown) => JSON.stringify(v, null, 2);
  const index = {
    _class_name: 'StableDiffusionPipeline', _diffusers_version: '0.21.0',
    unet: ['diffusers', 'UNet2DConditionModel'], vae: ['diffusers', 'AutoencoderKL'], text_encoder: ['transformers', 'CLIPTextModel'],
    tokenizer: ['transformers', 'CLIPTokenizer'], scheduler: ['diffusers', 'PNDMScheduler'], safety_checker: [null, null], feature_extractor: [null, null],
  };
  const written = [
    writeFileAtomic(path.join(dir, 'model_index.json'), json(index)),
    writeFileAtomic(path.join(dir, 'scheduler', 'scheduler_config.json'), json(SD15_SCHEDULER)),
    ...parts.flatMap((p, i) => [
      writeFileAtomic(path.join(dir, p.folder, 'config.json'), json(p.config)),
      writeFileAtomic(path.join(dir, p.folder, p.file), encodeSafetensors(out[i]!, { format: 'pt' })),
    ]),
  ];
  if (o.vocab) for (const [name, text] of Object.entries(tokenizerFiles(o.vocab))) written.push(writeFileAtomic(path.join(dir, 'tokenizer', name), text));
  return written;
}
