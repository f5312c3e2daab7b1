/**
 * Writes an SD1.5 checkpoint folder in the diffusers/optimum ONNX layout (docs/model-folders.md), `models/checkpoints/<name>/`:
 * ```
 * model_index.json                 OnnxStableDiffusionPipeline
 * text_encoder/model.onnx          input_ids int32 → last_hidden_state, pooler_output
 * unet/model.onnx                  sample, timestep, encoder_hidden_states → out_sample
 * unet_ip/model.onnx               IP-capable UNet (our convention, docs/model-folders.md): as unet, plus ipadapter_scale f32 [16],
 *                                  and the last 4 rows of encoder_hidden_states [B, S_text+4, 768] are image tokens
 * vae_decoder/model.onnx           latent_sample → sample (×8)
 * vae_encoder/model.onnx           sample → latent_sample (or latent_parameters)
 * tokenizer/                       vocab.json, merges.txt, tokenizer_config.json, special_tokens_map.json
 * scheduler/scheduler_config.json  SD1.5 PNDM values
 * ```
 * `unet_ip/` is not part of diffusers' layout and is not listed in model_index.json, so diffusers still loads the
 * folder; our store finds it by its path.
 */
import path from 'node:path';
import type { BuildOptions } from '../clip/graphs.js';
import { type SdTextEncoderConfig, TINY_SD_TEXT_ENCODER_CONFIG, buildSdTextEncoder } from './sd-text-encoder.js';
import { MEDIUM_UNET_CONFIG, SD15_IP, TINY_UNET_CONFIG, type UnetConfig, buildUnet } from './unet.js';
import { MEDIUM_VAE_CONFIG, TINY_VAE_CONFIG, type VaeConfig, buildVaeDecoder, buildVaeEncoder } from './vae.js';
import { type TinyVocab, tokenizerFiles } from './vocab.js';
import { writeFileAtomic } from './write-file.js';

/** The parts of an SD1.5 folder. */
export interface Sd15Config {
  textEncoder: SdTextEncoderConfig;
  /** The plain UNet; the IP UNet is the same with `ip` = {@link SD15_IP}. */
  unet: UnetConfig;
  vae: VaeConfig;
  /** Also write `unet_ip/model.onnx`. */
  withIpUnet: boolean;
  /** Also write `vae_encoder/model.onnx`. */
  withVaeEncoder: boolean;
}

/** The default tiny folder (C = 32 UNet and VAE, width-64 text encoder projected to 768). */
export const TINY_SD15_CONFIG: Sd15Config = {
  textEncoder: TINY_SD_TEXT_ENCODER_CONFIG,
  unet: TINY_UNET_CONFIG,
  vae: TINY_VAE_CONFIG,
  withIpUnet: true,
  withVaeEncoder: true,
};

/** A medium folder for benchmarks: C = 320 UNet with 4 blocks, C = 128 VAE, a 768-wide 2-layer text encoder. */
export const MEDIUM_SD15_CONFIG: Sd15Config = {
  textEncoder: { ...TINY_SD_TEXT_ENCODER_CONFIG, width: 768, layers: 2, heads: 12 },
  unet: MEDIUM_UNET_CONFIG,
  vae: MEDIUM_VAE_CONFIG,
  withIpUnet: true,
  withVaeEncoder: true,
};

/** SD1.5's `scheduler_config.json` (docs/sampling.md). */
export const SD15_SCHEDULER_CONFIG = {
  _class_name: 'PNDMScheduler',
  _diffusers_version: '0.6.0',
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  clip_sample: false,
  trained_betas: null,
} as const;

function modelIndex(c: Sd15Config): Record<string, unknown> {
  const ort = ['diffusers', 'OnnxRuntimeModel'];
  return {
    _class_name: 'OnnxStableDiffusionPipeline',
    _diffusers_version: '0.6.0',
    feature_extractor: [null, null],
    safety_checker: [null, null],
    requires_safety_checker: false,
    scheduler: ['diffusers', 'PNDMScheduler'],
    text_encoder: ort,
    tokenizer: ['transformers', 'CLIPTokenizer'],
    unet: ort,
    vae_decoder: ort,
    vae_encoder: c.withVaeEncoder ? ort : [null, null],
  };
}

/** Writes the folder and returns the paths written. `textEncoder.vocabSize` must equal the vocabulary size. */
export function writeSd15Folder(
  dir: string,
  o: { config: Sd15Config; vocab: TinyVocab; seed: number; build?: BuildOptions },
): string[] {
  const c = o.config;
  if (c.textEncoder.vocabSize !== o.vocab.size) {
    throw new Error(`SD1.5 config: text encoder vocabSize ${c.textEncoder.vocabSize} differs from the vocabulary's ${o.vocab.size} ids`);
  }
  const files: Record<string, Uint8Array | string> = {
    'model_index.json': JSON.stringify(modelIndex(c), null, 2),
    'text_encoder/model.onnx': buildSdTextEncoder(c.textEncoder, o.seed, o.build),
    'unet/model.onnx': buildUnet(c.unet, o.seed, o.build),
    'vae_decoder/model.onnx': buildVaeDecoder(c.vae, o.seed, o.build),
    'scheduler/scheduler_config.json': JSON.stringify(SD15_SCHEDULER_CONFIG, null, 2),
  };
  if (c.withIpUnet) files['unet_ip/model.onnx'] = buildUnet({ ...c.unet, ip: SD15_IP }, o.seed, o.build);
  if (c.withVaeEncoder) files['vae_encoder/model.onnx'] = buildVaeEncoder(c.vae, o.seed, o.build);
  for (const [name, text] of Object.entries(tokenizerFiles(o.vocab))) files[`tokenizer/${name}`] = text;
  return Object.entries(files).map(([name, data]) => writeFileAtomic(path.join(dir, name), data));
}
