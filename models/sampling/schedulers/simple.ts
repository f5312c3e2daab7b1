import { checkSteps, type Scheduler } from './scheduler.js';

/** ComfyUI `simple`: σ_table[T − 1 − ⌊k·T/steps⌋] for k = 0 … steps−1, then 0. */
export const simple: Scheduler = {
  name: 'simple',
  sigmas(ms, steps) {
    checkSteps('simple', steps);
    const table = ms.sigmas;
    const stride = table.length / steps;
    const out = new Float64Array(steps + 1);
    for (let k = 0; k < steps; k++) out[k] = table[table.length - 1 - Math.floor(k * stride)]!;
    return out;
  },
};
