import { describe, expect, it } from 'vitest';
import { getScheduler, schedulerNames, schedulers } from '../../../../models/sampling/schedulers/index.js';

describe('schedulers registry', () => {
  it('offers the registry\'s names, in its order, for the KSampler combo', () => {
    expect(schedulerNames).toEqual(Object.keys(schedulers));
  });
  it('getScheduler throws naming the choices for an unknown name', () => {
    expect(getScheduler('karras')).toBe(schedulers.karras);
    expect(() => getScheduler('kl_optimal')).toThrow(/unknown scheduler "kl_optimal".*normal/);
  });
});
