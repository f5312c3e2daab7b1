import { beta } from './beta.js';
import { ddimUniform } from './ddim-uniform.js';
import { exponential } from './exponential.js';
import { karras } from './karras.js';
import { normal } from './normal.js';
import type { Scheduler, SchedulerName } from './scheduler.js';
import { sgmUniform } from './sgm-uniform.js';
import { simple } from './simple.js';

export type { Scheduler, SchedulerName } from './scheduler.js';

/** Every scheduler by its ComfyUI name. */
export const schedulers: Readonly<Record<SchedulerName, Scheduler>> = {
  normal,
  karras,
  exponential,
  sgm_uniform: sgmUniform,
  simple,
  ddim_uniform: ddimUniform,
  beta,
};

/** Scheduler names in the order of ComfyUI's older KSampler combo (normal first: its historical default). */
export const schedulerNames: readonly SchedulerName[] = [
  'normal',
  'karras',
  'exponential',
  'sgm_uniform',
  'simple',
  'ddim_uniform',
  'beta',
];

/** Looks a scheduler up by name; throws naming the valid choices when it is unknown. */
export function getScheduler(name: string): Scheduler {
  const s = (schedulers as Record<string, Scheduler | undefined>)[name];
  if (!s) throw new Error(`unknown scheduler "${name}"; expected one of ${schedulerNames.join(', ')}`);
  return s;
}
