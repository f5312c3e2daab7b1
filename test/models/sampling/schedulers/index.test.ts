import { describe, expect, it } from 'vitest';
import { getScheduler, schedulerNames, schedulers } from '../../../../models/sampling/schedulers/index.js';

describe('schedulers registry', () => {
  it('lists every scheduler the issue asks for, each under its own name', () => {
    expect([...schedulerNames].sort()).toEqual(
      ['beta', 'ddim_uniform', 'exponential', 'karras', 'normal', 'sgm_uniform', 'simple'].sort(),
    );
    for (const n of schedulerNames) expect(schedulers[n].name).toBe(n);
  });
  it('getScheduler throws naming the choices for an unknown name', () => {
    expect(getScheduler('karras')).toBe(schedulers.karras);
    expect(() => getScheduler('kl_optimal')).toThrow(/unknown scheduler "kl_optimal".*normal/);
  });
});
