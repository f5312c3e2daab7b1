import { describe, expect, it } from 'vitest';
import {
  appendZero,
  discreteModelSampling,
  exponentialSigmas,
  karrasSigmas,
  linspace,
  nearestTimestep,
  roundHalfEven,
  sigmaFromT,
  tFromSigma,
} from '../../../models/sampling/sigmas.js';
import { expectClose } from './schedulers/scheduler-contract.js';

const ms = discreteModelSampling();

describe('discreteModelSampling', () => {
  it('reproduces the reference ᾱ_t and σ_t table for SD1.5', () => {
    const ts = [0, 1, 51, 500, 901, 951, 981, 999];
    expectClose(
      ts.map((t) => ms.alphasCumprod[t]!),
      [0.99915, 0.99829603, 0.95052432, 0.27633268, 0.0140049, 0.008155, 0.0057755, 0.0046601],
      1e-7,
    );
    expectClose(
      ts.map((t) => ms.sigmas[t]!),
      [0.029167, 0.041314, 0.228147, 1.618279, 8.390685, 11.028331, 13.120411, 14.614641],
      1e-6,
    );
  });
  it('has ComfyUI’s float64 σ_min and σ_max', () => {
    expect(ms.sigmaMax).toBeCloseTo(14.614641, 6);
    expect(ms.sigmaMin).toBeCloseTo(0.029167158, 9);
  });
});

describe('sigmaFromT / tFromSigma / nearestTimestep', () => {
  it('interpolates ln σ between integer timesteps and inverts exactly', () => {
    expect(sigmaFromT(ms, 500)).toBeCloseTo(ms.sigmas[500]!, 12);
    const mid = sigmaFromT(ms, 500.5);
    expect(mid).toBeCloseTo(Math.sqrt(ms.sigmas[500]! * ms.sigmas[501]!), 12);
    for (const t of [0, 0.25, 17.5, 499.5, 961.73, 998.9, 999]) expect(tFromSigma(ms, sigmaFromT(ms, t))).toBeCloseTo(t, 9);
  });
  it('clamps outside the table and maps σ ≤ 0 to t = 0', () => {
    expect(sigmaFromT(ms, -5)).toBeCloseTo(ms.sigmaMin, 12);
    expect(sigmaFromT(ms, 5000)).toBeCloseTo(ms.sigmaMax, 12);
    expect(tFromSigma(ms, 100)).toBe(999);
    expect(tFromSigma(ms, 1e-6)).toBe(0);
    expect(tFromSigma(ms, 0)).toBe(0);
  });
  it('gives the reference Euler timesteps for the Karras 20-step sigmas (σ→t by log-σ interpolation)', () => {
    const karras = [14.614655, 11.725379, 9.340217, 7.383631, 5.789424, 4.499846, 3.464757, 2.640849, 1.990923,
      1.483217, 1.090791, 0.79095, 0.564725, 0.396392, 0.27304, 0.184169, 0.121342, 0.077861, 0.048482, 0.029168];
    expectClose(
      karras.map((s) => tFromSigma(ms, s)),
      [999, 961.73, 921.04, 876.31, 826.79, 771.55, 709.53, 639.61, 560.98, 473.75, 380.13, 285.32, 197.08, 123.4,
        69.26, 34.7, 15.48, 5.99, 1.78, 0],
      // The reference rounds to 2 decimals from diffusers' float32 sigmas.
      0.015,
    );
    // DPM++ Karras timesteps rounded to int (reference) equal ComfyUI's nearest-timestep mapping.
    expect(karras.map((s) => nearestTimestep(ms, s))).toEqual(
      [999, 962, 921, 876, 827, 772, 710, 640, 561, 474, 380, 285, 197, 123, 69, 35, 15, 6, 2, 0],
    );
  });
  it('nearestTimestep maps σ_max to 999 and σ_min to 0 (ComfyUI timestep())', () => {
    expect(nearestTimestep(ms, ms.sigmaMax)).toBe(999);
    expect(nearestTimestep(ms, ms.sigmaMin)).toBe(0);
    expect(nearestTimestep(ms, ms.sigmas[417]! * 1.0001)).toBe(417);
  });
});

describe('karrasSigmas / exponentialSigmas', () => {
  it('n = 1 is [σ_max, 0]', () => {
    expectClose(karrasSigmas({ n: 1, sigmaMin: 0.1, sigmaMax: 10 }), [10, 0], 1e-12);
    expectClose(exponentialSigmas({ n: 1, sigmaMin: 0.1, sigmaMax: 10 }), [10, 0], 1e-12);
  });
  it('exponential is geometric: constant ratio between neighbours', () => {
    const s = exponentialSigmas({ n: 5, sigmaMin: 0.1, sigmaMax: 10 });
    expectClose(Array.from(s), [10, 10 / Math.sqrt(10), 1, 1 / Math.sqrt(10), 0.1, 0], 1e-12);
  });
  it('karras with ρ = 1 is a plain linspace', () => {
    expectClose(Array.from(karrasSigmas({ n: 3, sigmaMin: 1, sigmaMax: 3 }, 1)), [3, 2, 1, 0], 1e-12);
  });
});

describe('linspace / appendZero / roundHalfEven', () => {
  it('linspace includes both ends; n = 1 gives the start', () => {
    expect(Array.from(linspace(0, 1, 5))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(Array.from(linspace(3, 9, 1))).toEqual([3]);
    expect(Array.from(appendZero([2, 1]))).toEqual([2, 1, 0]);
  });
  it('rounds halves to even like numpy.rint', () => {
    expect([0.5, 1.5, 2.5, 499.5, 498.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 500, 498, 2, 3]);
  });
});
