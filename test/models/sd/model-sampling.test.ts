import { describe, expect, it } from 'vitest';
import { betaScheduleFromConfig, modelSamplingFor } from '../../../models/sd/model-sampling.js';
import { sd15Schedule } from '../../../models/sampling/sigmas.js';

describe('betaScheduleFromConfig', () => {
  it('reads the diffusers keys and defaults to SD1.5', () => {
    expect(betaScheduleFromConfig({})).toEqual(sd15Schedule);
    expect(betaScheduleFromConfig({ beta_schedule: 'linear', beta_start: 0.0001, beta_end: 0.02, num_train_timesteps: 500 })).toEqual({
      kind: 'linear', betaStart: 0.0001, betaEnd: 0.02, timesteps: 500,
    });
  });

  it('refuses what it cannot sample, naming the key', () => {
    expect(() => betaScheduleFromConfig({ prediction_type: 'v_prediction' }, 'x.json')).toThrow(/x\.json: prediction_type "v_prediction"/);
    expect(() => betaScheduleFromConfig({ trained_betas: [0.1] })).toThrow(/trained_betas/);
    expect(() => betaScheduleFromConfig({ beta_schedule: 'squaredcos_cap_v2' })).toThrow(/beta_schedule "squaredcos_cap_v2"/);
    expect(() => betaScheduleFromConfig({ beta_start: -1 })).toThrow(/beta_start must be a positive number/);
  });
});

describe('modelSamplingFor', () => {
  it('gives the SD1.5 σ range (docs/sampling.md) and memoises the table', () => {
    const ms = modelSamplingFor({ beta_schedule: 'scaled_linear' });
    expect(ms.sigmaMax).toBeCloseTo(14.614641, 4);
    expect(ms.sigmaMin).toBeCloseTo(0.029167, 5);
    expect(modelSamplingFor({})).toBe(ms);
  });
});
