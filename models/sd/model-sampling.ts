/**
 * The σ table of an SD checkpoint, from its `scheduler/scheduler_config.json` (diffusers keys). Only what shapes
 * the training noise schedule is read; which sampler and scheduler to run is the KSampler's choice, as in ComfyUI.
 */
import { discreteModelSampling, sd15Schedule, type BetaScheduleConfig, type ModelSamplingInfo } from '../sampling/sigmas.js';

/** Thrown for scheduler settings this runtime cannot sample (v-prediction, trained_betas, unknown schedules). */
export class UnsupportedSchedulerError extends Error {
  override readonly name = 'UnsupportedSchedulerError';
}

/** Reads the beta schedule; absent keys take SD1.5's values (docs/sampling.md). */
export function betaScheduleFromConfig(config: Readonly<Record<string, unknown>>, source = 'scheduler_config.json'): BetaScheduleConfig {
  const prediction = config.prediction_type ?? 'epsilon';
  if (prediction !== 'epsilon') {
    throw new UnsupportedSchedulerError(`${source}: prediction_type "${String(prediction)}" is not supported; only epsilon (SD1.5) models can be sampled`);
  }
  if (Array.isArray(config.trained_betas)) {
    throw new UnsupportedSchedulerError(`${source}: trained_betas are not supported; use beta_start/beta_end/beta_schedule`);
  }
  const kind = config.beta_schedule ?? sd15Schedule.kind;
  if (kind !== 'scaled_linear' && kind !== 'linear') {
    throw new UnsupportedSchedulerError(`${source}: beta_schedule "${String(kind)}" is not supported (expected scaled_linear or linear)`);
  }
  const num = (key: string, fallback: number): number => {
    const v = config[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new UnsupportedSchedulerError(`${source}: ${key} must be a positive number, got ${JSON.stringify(v)}`);
    return v;
  };
  return {
    kind,
    betaStart: num('beta_start', sd15Schedule.betaStart),
    betaEnd: num('beta_end', sd15Schedule.betaEnd),
    timesteps: num('num_train_timesteps', sd15Schedule.timesteps),
  };
}

const cache = new Map<string, ModelSamplingInfo>();

/** The σ table for a checkpoint's scheduler config (memoised: every SD1.5 export shares one table). */
export function modelSamplingFor(config: Readonly<Record<string, unknown>>, source?: string): ModelSamplingInfo {
  const beta = betaScheduleFromConfig(config, source);
  const key = JSON.stringify(beta);
  let ms = cache.get(key);
  if (!ms) {
    ms = discreteModelSampling(beta);
    cache.set(key, ms);
  }
  return ms;
}
