/**
 * The scheduler contract for every registered scheduler, driven by a record keyed by the registry's names: a
 * scheduler added to `schedulers` without an entry here fails typecheck (the record's type) and this test.
 */
import { describe, expect, it } from 'vitest';
import { schedulerNames, schedulers, type SchedulerName } from '../../../../models/sampling/schedulers/index.js';
import { runSchedulerContract, type SchedulerContractOptions } from './scheduler-contract.js';

const contracts: Record<SchedulerName, SchedulerContractOptions> = {
  normal: {},
  karras: {},
  exponential: {},
  sgm_uniform: {},
  simple: {},
  ddim_uniform: { variableLength: 'ComfyUI floors the stride ⌊1000/steps⌋, so e.g. 7 steps give 8 sigmas + 0; kept for parity' },
  beta: { variableLength: 'ComfyUI drops repeated timesteps; with many steps Beta(0.6,0.6) repeats them near the ends' },
};

describe('scheduler contracts', () => {
  it('cover exactly the registered schedulers, each registered under its own name', () => {
    expect(Object.keys(contracts).sort()).toEqual([...schedulerNames].sort());
    for (const name of schedulerNames) expect(schedulers[name].name).toBe(name);
  });
});

for (const name of schedulerNames) runSchedulerContract(schedulers[name], contracts[name]);
