/**
 * CheckpointLoaderONNX's work: a recognised SD1.5 ONNX folder (store manifest) → MODEL, CLIP and VAE handles.
 * Nothing is loaded here; sessions are created by the pool when first run.
 */
import { readFileSync } from 'node:fs';
import type { OnnxCheckpointManifest } from '../store/manifests.js';
import { SD15_LATENT_FORMAT } from './latent-format.js';
import { betaScheduleFromConfig } from './model-sampling.js';
import type { SdClip, SdModel, SdVae } from './types.js';

/** The three outputs of a checkpoint loader. */
export interface SdCheckpoint {
  readonly model: SdModel;
  readonly clip: SdClip;
  readonly vae: SdVae;
}

/** Reads `scheduler_config.json` (absent: `{}`, i.e. SD1.5 defaults) and checks it can be sampled. */
export function readSchedulerConfig(file: string | undefined): Record<string, unknown> {
  if (!file) return {};
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read the scheduler config (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new Error(`${file}: expected a JSON object`);
  betaScheduleFromConfig(config as Record<string, unknown>, file); // fail at load time, not at step 1
  return config as Record<string, unknown>;
}

/** MODEL, CLIP and VAE of a checkpoint manifest. */
export function checkpointFromManifest(m: OnnxCheckpointManifest): SdCheckpoint {
  const key = `checkpoints/${m.name}`;
  return {
    model: {
      key,
      unetPath: m.unet.model,
      ...(m.ipUnet ? { ipUnetPath: m.ipUnet.model } : {}),
      schedulerConfig: readSchedulerConfig(m.schedulerConfig),
    },
    clip: { key, textEncoderPath: m.textEncoder.model, tokenizerDir: m.tokenizer.dir },
    vae: {
      key,
      decoderPath: m.vaeDecoder.model,
      ...(m.vaeEncoder ? { encoderPath: m.vaeEncoder.model } : {}),
      scalingFactor: SD15_LATENT_FORMAT.scaleFactor,
    },
  };
}
