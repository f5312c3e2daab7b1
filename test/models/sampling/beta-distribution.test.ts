import { describe, expect, it } from 'vitest';
import { betaCdf, betaPpf, logGamma } from '../../../models/sampling/beta-distribution.js';

describe('logGamma', () => {
  it('matches known values', () => {
    expect(logGamma(1)).toBeCloseTo(0, 13);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(0.6)).toBeCloseTo(0.39823385806, 10);
  });
});

describe('betaCdf / betaPpf', () => {
  it('Beta(1,1) is uniform and Beta(2,2) has CDF 3x² − 2x³', () => {
    for (const x of [0.1, 0.37, 0.9]) {
      expect(betaCdf(x, 1, 1)).toBeCloseTo(x, 13);
      expect(betaCdf(x, 2, 2)).toBeCloseTo(3 * x * x - 2 * x ** 3, 13);
    }
  });
  it('inverts the CDF and respects symmetry of Beta(0.6, 0.6)', () => {
    for (const p of [1e-4, 0.05, 0.3, 0.5, 0.77, 0.999]) {
      const x = betaPpf(p, 0.6, 0.6);
      expect(betaCdf(x, 0.6, 0.6)).toBeCloseTo(p, 12);
      expect(betaPpf(1 - p, 0.6, 0.6)).toBeCloseTo(1 - x, 12);
    }
    expect(betaPpf(0.5, 0.6, 0.6)).toBeCloseTo(0.5, 14);
    expect(betaPpf(0, 0.6, 0.6)).toBe(0);
    expect(betaPpf(1, 0.6, 0.6)).toBe(1);
  });
  it('rejects probabilities outside [0, 1]', () => {
    expect(() => betaPpf(1.5, 0.6, 0.6)).toThrow(/probability/);
  });
});
