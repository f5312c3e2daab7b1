import { describe, expect, it } from 'vitest';
import type { Denoiser, NoiseSource, Sampler } from '../../../../models/sampling/samplers/sampler.js';
import { karras } from '../../../../models/sampling/schedulers/karras.js';
import { discreteModelSampling } from '../../../../models/sampling/sigmas.js';
import { TorchCpuGenerator } from '../../../../models/sampling/torch-random.js';
import type { FloatTensor } from '../../../../models/tensors.js';

/**
 * How a sampler is judged on the Gaussian toy (data x0 ~ N(μ, s²) per element, whose ideal denoiser is linear:
 * D(x, σ) = μ + s²/(s²+σ²)·(x − μ), and whose probability-flow ODE is solved exactly by
 * x(σ) = μ + (x(σ_0) − μ)·√((s²+σ²)/(s²+σ_0²))).
 */
export type SamplerContractOptions =
  /** Deterministic: each element must land within `tolerance` of the exact ODE answer after 30 Karras steps. */
  | {
      readonly kind: 'ode';
      readonly tolerance: number;
      /** Why the one-step exactness check does not apply (declared skip, shown in the test name). */
      readonly oneStepSkip?: string;
    }
  /** Stochastic: the output distribution must be N(μ, s²) within `stdTolerance` on its std; `why` that tolerance. */
  | { readonly kind: 'sde'; readonly stdTolerance: number; readonly why: string };

export const TOY = { mu: 0.3, s: 0.5 } as const;

/** The ideal denoiser of the Gaussian toy. */
export const gaussianDenoiser: Denoiser = async (x, sigma) => {
  const k = TOY.s ** 2 / (TOY.s ** 2 + sigma ** 2);
  return x.data.map((v) => TOY.mu + k * (v - TOY.mu));
};

/** A denoiser whose ε is the constant `eps`: D(x, σ) = x − σ·eps. */
export function constantEpsDenoiser(eps: number): Denoiser {
  return async (x, sigma) => x.data.map((v) => v - sigma * eps);
}

/** A linear denoiser D(x, σ) = a·x (hand-derived vectors use it). */
export function linearDenoiser(a: number): Denoiser {
  return async (x) => x.data.map((v) => a * v);
}

/** A noise source returning the constant `value` (0 makes stochastic samplers deterministic). */
export function constantNoise(value: number): NoiseSource {
  return { next: (d) => new Float32Array(d.reduce((a, b) => a * b, 1)).fill(value) };
}

/** A seeded N(0, 1) noise source. */
export function seededNoise(seed: number): NoiseSource {
  const g = new TorchCpuGenerator(seed);
  return { next: (d) => g.randn(d.reduce((a, b) => a * b, 1)) };
}

/** A one-element latent. */
export function scalar(v: number): FloatTensor {
  return { data: Float32Array.of(v), dims: [1, 1, 1, 1] };
}

function meanStd(a: Float32Array): { mean: number; std: number } {
  let m = 0;
  for (const v of a) m += v;
  m /= a.length;
  let q = 0;
  for (const v of a) q += (v - m) ** 2;
  return { mean: m, std: Math.sqrt(q / a.length) };
}

/** The checks every sampler passes; see {@link SamplerContractOptions}. */
export function runSamplerContract(sampler: Sampler, opts: SamplerContractOptions): void {
  describe(`${sampler.name}: sampler contract`, () => {
    const ms = discreteModelSampling();
    const sigmas = karras.sigmas(ms, 30);
    const dims = [1, 4, 32, 32];
    const z = new TorchCpuGenerator(1).randn(4 * 32 * 32);
    const start = z.map((v) => TOY.mu + v * Math.sqrt(TOY.s ** 2 + sigmas[0]! ** 2));

    it('transports the Gaussian toy N(μ, s²+σ_max²) to N(μ, s²)', async () => {
      const out = await sampler.sample({ model: gaussianDenoiser, x: { data: start, dims }, sigmas, noise: seededNoise(2) });
      expect(out.length).toBe(start.length);
      const { mean, std } = meanStd(out);
      const startStats = meanStd(start);
      const exactMean = TOY.mu + (startStats.mean - TOY.mu) * TOY.s / Math.sqrt(TOY.s ** 2 + sigmas[0]! ** 2);
      expect(Math.abs(mean - exactMean)).toBeLessThan(0.02);
      const stdTol = opts.kind === 'ode' ? Math.max(opts.tolerance, 0.01) : opts.stdTolerance;
      expect(Math.abs(std - TOY.s)).toBeLessThan(stdTol);
      if (opts.kind === 'ode') {
        const k = TOY.s / Math.sqrt(TOY.s ** 2 + sigmas[0]! ** 2);
        let worst = 0;
        start.forEach((v, i) => (worst = Math.max(worst, Math.abs(out[i]! - (TOY.mu + (v - TOY.mu) * k)))));
        expect(worst).toBeLessThan(opts.tolerance);
      }
    });

    if (opts.kind === 'ode' && opts.oneStepSkip) it.skip(`is exact for a constant ε in one step: skipped, ${opts.oneStepSkip}`, () => {});
    if (opts.kind === 'ode' && !opts.oneStepSkip) {
      it('is exact for a constant ε in one step: x + ε·(σ1 − σ0)', async () => {
        const out = await sampler.sample({
          model: constantEpsDenoiser(0.5), x: scalar(1), sigmas: [14.614655, 10.746857], noise: constantNoise(0),
        });
        expect(out[0]).toBeCloseTo(-0.933899, 4);
      });
    }

    it('reports every step once, in order, with that step’s x0', async () => {
      const seen: [number, number, number][] = [];
      await sampler.sample({
        model: gaussianDenoiser, x: { data: start, dims }, sigmas: sigmas.subarray(0, 6), noise: seededNoise(3),
        onStep: (i, total, x0) => seen.push([i, total, x0.length]),
      });
      expect(seen).toEqual([0, 1, 2, 3, 4].map((i) => [i, 5, start.length]));
    });

    it("stops within one step when the signal aborts, throwing the signal's AbortError", async () => {
      const ac = new AbortController();
      let callsAfterAbort = 0;
      const model: Denoiser = async (x, s) => {
        if (ac.signal.aborted) callsAfterAbort++;
        return gaussianDenoiser(x, s);
      };
      const steps: number[] = [];
      const run = sampler.sample({
        model, x: { data: start, dims }, sigmas, noise: seededNoise(4), signal: ac.signal,
        onStep: (i) => {
          steps.push(i);
          if (i === 1) ac.abort();
        },
      });
      await expect(run).rejects.toMatchObject({ name: 'AbortError' });
      expect(steps).toEqual([0, 1]);
      expect(callsAfterAbort).toBe(0);
    });

    it('returns a copy of x without calling the model when there is no step to take', async () => {
      let calls = 0;
      const model: Denoiser = async (x, s) => (calls++, gaussianDenoiser(x, s));
      for (const s of [[], [3.0]]) {
        const out = await sampler.sample({ model, x: { data: start, dims }, sigmas: s, noise: seededNoise(5) });
        expect(Array.from(out)).toEqual(Array.from(start));
        expect(out).not.toBe(start);
      }
      expect(calls).toBe(0);
    });

    it('does not mutate its input and is deterministic for the same noise', async () => {
      const copy = Float32Array.from(start);
      const run = () =>
        sampler.sample({ model: gaussianDenoiser, x: { data: start, dims }, sigmas: sigmas.subarray(0, 8), noise: seededNoise(6) });
      const a = await run();
      expect(Array.from(start)).toEqual(Array.from(copy));
      expect(Array.from(await run())).toEqual(Array.from(a));
    });

    it('names the problem when the denoiser returns the wrong length', async () => {
      const model: Denoiser = async () => new Float32Array(3);
      await expect(sampler.sample({ model, x: { data: start, dims }, sigmas, noise: seededNoise(7) })).rejects.toThrow(
        /denoiser returned 3 values/,
      );
    });
  });
}
