import { beta } from './beta.js';
import { ddimUniform } from './ddim-uniform.js';
import { exponential } from './exponential.js';
import { karras } from './karras.js';
import { normal } from './normal.js';
import type { Scheduler } from './scheduler.js';
import { sgmUniform } from './sgm-uniform.js';
import { simple } from './simple.js';

export type { Scheduler } from './scheduler.js';

/**
 * Every scheduler by its ComfyUI name (`comfy.samplers.SCHEDULER_HANDLERS` keys), in the order of ComfyUI's older
 * KSampler combo (normal first: its historical default): the one declaration of the names.
 */
export const schedulers = {
  normal,
  karras,
  exponential,
  sgm_uniform: sgmUniform,
  simple,
  ddim_uniform: ddimUniform,
  beta,
} as const satisfies Readonly<Record<string, Scheduler>>;

/** ComfyUI's scheduler names that this package implements. */
export type SchedulerName = keyof typeof schedulers;

/** Scheduler names in combo order. */
export const schedulerNames = Object.keys(schedulers) as readonly SchedulerName[];

/** Looks a scheduler up by name; throws naming the valid choices when it is unknown. */
export function getScheduler(name: string): Scheduler {
  const s = (schedulers as Record<string, Scheduler | undefined>)[name];
  if (!s) throw new Error(`unknown scheduler "${name}"; expected one of ${schedulerNames.join(', ')}`);
  return s;
}
