import { describe, expect, it } from 'vitest';
import { beta } from '../../../../models/sampling/schedulers/beta.js';
import { discreteModelSampling } from '../../../../models/sampling/sigmas.js';
import { expectClose } from './scheduler-contract.js';

describe('beta.sigmas', () => {
  const ms = discreteModelSampling();
  it('matches ComfyUI at 20 steps (golden from scipy.stats.beta.ppf + the float64 SD1.5 table)', () => {
    expectClose(beta.sigmas(ms, 20), [
      14.614641, 13.515696, 11.54277, 9.388924, 7.371844, 5.686592, 4.372802, 3.374725, 2.615236, 2.047312,
      1.618279, 1.284621, 1.027329, 0.821221, 0.654885, 0.515391, 0.39551, 0.291284, 0.199059, 0.111419, 0,
    ]);
  });
  it('matches ComfyUI at 7 steps', () => {
    expectClose(beta.sigmas(ms, 7), [14.614641, 9.701477, 4.712597, 2.268323, 1.168216, 0.612696, 0.27718, 0]);
  });
  it('drops a repeated timestep at 139 steps, as ComfyUI does (139 values, not 140)', () => {
    expect(beta.sigmas(ms, 139).length).toBe(139);
  });
});
