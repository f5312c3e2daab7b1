import { describe, expect, it } from 'vitest';
import { fitLogistic4, logistic4 } from '../../../models/metrics/logistic-fit.js';

describe('logistic4', () => {
  it('evaluates (β1−β2)/(1+exp(−(x−β3)/|β4|)) + β2', () => {
    // at x = β3 the sigmoid is 1/2: (5−1)/2 + 1 = 3
    expect(logistic4(0.5, [5, 1, 0.5, 2])).toBeCloseTo(3, 12);
    // x − β3 = 2, |β4| = 2 → (5−1)/(1+e^−1) + 1; the sign of β4 does not matter
    const expected = 4 / (1 + Math.exp(-1)) + 1;
    expect(logistic4(2.5, [5, 1, 0.5, 2])).toBeCloseTo(expected, 12);
    expect(logistic4(2.5, [5, 1, 0.5, -2])).toBeCloseTo(expected, 12);
  });
});

describe('fitLogistic4', () => {
  it('recovers the parameters of noiseless logistic data', () => {
    const truth = [80, 20, 0.5, 0.1] as const;
    const x = Array.from({ length: 21 }, (_, i) => i / 20);
    const y = x.map((v) => logistic4(v, truth));
    const fit = fitLogistic4(x, y);
    expect(fit.converged).toBe(true);
    expect(fit.sse).toBeLessThan(1e-12);
    fit.params.forEach((p, k) => expect(p).toBeCloseTo(truth[k]!, 5));
  });
  it('fits decreasing (DMOS-like) relations with β1 < β2', () => {
    const truth = [1, 9, 100, 15] as const; // β1 < β2: decreasing
    const x = Array.from({ length: 15 }, (_, i) => 40 + i * 9);
    const y = x.map((v) => logistic4(v, truth));
    const fit = fitLogistic4(x, y);
    expect(fit.sse).toBeLessThan(1e-10);
    expect(fit.params[0]).toBeLessThan(fit.params[1]);
  });
  it('is not thrown off by tiny score ranges (CLIP probabilities near 0.5)', () => {
    const truth = [4.5, 1.2, 0.5, 0.004] as const;
    const x = Array.from({ length: 30 }, (_, i) => 0.49 + i * 0.0007);
    const y = x.map((v) => logistic4(v, truth));
    expect(fitLogistic4(x, y).sse).toBeLessThan(1e-10);
  });
});
