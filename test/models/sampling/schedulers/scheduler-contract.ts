import { describe, expect, it } from 'vitest';
import type { Scheduler } from '../../../../models/sampling/schedulers/scheduler.js';
import { discreteModelSampling } from '../../../../models/sampling/sigmas.js';

/** What a scheduler may declare about itself, each with the reason (Hono-style declared skips). */
export interface SchedulerContractOptions {
  /** The schedule may hold other than steps+1 values for some step counts; the reason why. */
  readonly variableLength?: string;
}

/** Golden tolerance shared by the scheduler tests (the reference values are given to ~6 digits). */
export const GOLDEN_TOL = 1e-4;

/** Asserts |actual[i] − expected[i]| ≤ tol for every i (a NaN counts as a failure) and equal lengths. */
export function expectClose(actual: ArrayLike<number>, expected: readonly number[], tol = GOLDEN_TOL): void {
  expect(actual.length).toBe(expected.length);
  const bad = expected.flatMap((e, i) => (Math.abs(actual[i]! - e) <= tol ? [] : [`[${i}] ${actual[i]} vs ${e}`]));
  expect(bad).toEqual([]);
}

/** The checks every scheduler passes: shape, order, range, determinism, argument validation. */
export function runSchedulerContract(scheduler: Scheduler, opts: SchedulerContractOptions = {}): void {
  describe(`${scheduler.name}: scheduler contract`, () => {
    const ms = discreteModelSampling();
    for (const steps of [1, 2, 3, 7, 20, 50]) {
      it(`steps=${steps}: strictly descending, positive, ends at exactly 0, within σ_max`, () => {
        const s = scheduler.sigmas(ms, steps);
        if (opts.variableLength) expect(s.length).toBeGreaterThanOrEqual(2);
        else expect(s.length).toBe(steps + 1);
        expect(s[s.length - 1]).toBe(0);
        expect(s[0]).toBeLessThanOrEqual(ms.sigmaMax * (1 + 1e-12));
        for (let i = 0; i + 1 < s.length; i++) {
          expect(s[i]).toBeGreaterThan(s[i + 1]!);
          if (i + 1 < s.length - 1) expect(s[i + 1]).toBeGreaterThan(0);
        }
      });
    }
    it('steps=1 gives one positive sigma then 0', () => {
      const s = scheduler.sigmas(ms, 1);
      expect(s.length).toBe(2);
      expect(s[0]).toBeGreaterThan(0);
      expect(s[1]).toBe(0);
    });
    it('is deterministic and returns a fresh array each call', () => {
      const a = scheduler.sigmas(ms, 12);
      const b = scheduler.sigmas(ms, 12);
      expect(Array.from(b)).toEqual(Array.from(a));
      a[0] = -1;
      expect(scheduler.sigmas(ms, 12)[0]).toBeGreaterThan(0);
    });
    it('rejects a step count that is not an integer >= 1', () => {
      for (const bad of [0, -3, 2.5, Number.NaN]) expect(() => scheduler.sigmas(ms, bad)).toThrow(/steps/);
    });
  });
}
