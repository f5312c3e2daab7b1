import { checkSteps, type Scheduler } from './scheduler.js';

/**
 * ComfyUI `ddim_uniform`: the table entries at t = 1, 1 + s, 1 + 2s, … (s = max(⌊T/steps⌋, 1)) while t < T,
 * reversed, then 0; for SD1.5 at 20 steps that is t = 951, 901, …, 1 (DDIM "leading" spacing).
 * Because the stride is floored, some step counts give more than steps+1 values (e.g. 7 → 8 sigmas + 0) and
 * steps > T−1 give fewer; this is ComfyUI's behaviour and kept for parity.
 */
export const ddimUniform: Scheduler = {
  name: 'ddim_uniform',
  sigmas(ms, steps) {
    checkSteps('ddim_uniform', steps);
    const table = ms.sigmas;
    // A model whose σ_1 is ~0 gets no appended zero and one more point, as ComfyUI does.
    const zeroAtStart = Math.abs(table[1]!) <= 1e-5;
    const stride = Math.max(Math.floor(table.length / (zeroAtStart ? steps + 1 : steps)), 1);
    const picked: number[] = zeroAtStart ? [] : [0];
    for (let t = 1; t < table.length; t += stride) picked.push(table[t]!);
    return Float64Array.from(picked.reverse());
  },
};
