import { describe, expect, it } from 'vitest';
import { correlationReport } from '../../../models/metrics/correlation-report.js';
import { logistic4 } from '../../../models/metrics/logistic-fit.js';

describe('correlationReport', () => {
  it('reports all metrics for a small hand-computed vector', () => {
    // Same vectors as correlation.test.ts: SRCC 0.8, KRCC 0.6, PLCC 0.8 (hand-computed there).
    const r = correlationReport([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]);
    expect(r.n).toBe(5);
    expect(r.srcc).toBeCloseTo(0.8, 12);
    expect(r.krcc).toBeCloseTo(0.6, 12);
    expect(r.plcc).toBeCloseTo(0.8, 12);
    // The logistic family contains near-linear maps, so the fitted PLCC is at least the linear one (0.8).
    expect(r.plccLogistic).toBeGreaterThanOrEqual(0.8 - 1e-9);
    expect(r.plccLogistic).toBeLessThanOrEqual(1);
    expect(r.warnings).toEqual([]);
  });

  it('reaches PLCC 1 after the logistic fit when MOS is a logistic of the prediction', () => {
    const x = Array.from({ length: 12 }, (_, i) => i);
    const mos = x.map((v) => logistic4(v, [90, 10, 5.5, 1.2]));
    const r = correlationReport(x, mos);
    expect(r.srcc).toBeCloseTo(1, 12); // monotone → ranks identical
    expect(r.plcc).toBeLessThan(0.99); // the S-shape costs plain Pearson
    expect(r.plccLogistic).toBeCloseTo(1, 8);
    expect(r.rmseLogistic).toBeLessThan(1e-6);
  });

  it('returns NaN with a warning (no throw) for a constant prediction', () => {
    const r = correlationReport([0.5, 0.5, 0.5, 0.5], [1, 2, 3, 4]);
    expect([r.srcc, r.krcc, r.plcc, r.plccLogistic]).toEqual([NaN, NaN, NaN, NaN]);
    expect(r.warnings.join(' ')).toMatch(/all predictions are equal/);
  });

  it('returns NaN with a warning for constant MOS', () => {
    const r = correlationReport([1, 2, 3, 4], [3, 3, 3, 3]);
    expect(r.srcc).toBeNaN();
    expect(r.warnings.join(' ')).toMatch(/MOS values are equal/);
  });

  it('returns NaN with a warning for n < 2 and for the logistic with n < 4', () => {
    const one = correlationReport([1], [2]);
    expect(one.srcc).toBeNaN();
    expect(one.warnings.join(' ')).toMatch(/at least 2/);
    const three = correlationReport([1, 2, 3], [1, 3, 2]);
    // 3 pairs: (1,2)C (1,3)C (2,3)D → KRCC (2−1)/3; ranks equal values → SRCC = PLCC = 0.5
    expect(three.krcc).toBeCloseTo(1 / 3, 12);
    expect(three.srcc).toBeCloseTo(0.5, 12);
    expect(three.plccLogistic).toBeNaN();
    expect(three.warnings.join(' ')).toMatch(/at least 4/);
  });

  it('drops non-finite pairs with a warning', () => {
    const r = correlationReport([1, NaN, 2, 3, 4, 5], [2, 7, 1, 4, 3, 5]);
    expect(r.n).toBe(5);
    expect(r.srcc).toBeCloseTo(0.8, 12);
    expect(r.warnings.join(' ')).toMatch(/1 pair/);
  });

  it('keeps the sign for anti-correlated predictions and still fits the logistic', () => {
    const x = [1, 2, 3, 4, 5, 6];
    const dmos = [60, 52, 40, 33, 20, 15];
    const r = correlationReport(x, dmos);
    expect(r.srcc).toBeCloseTo(-1, 12);
    expect(r.krcc).toBeCloseTo(-1, 12);
    expect(r.plcc).toBeLessThan(-0.9);
    expect(r.plccLogistic).toBeGreaterThan(0.9);
  });

  it('agrees with scipy on a 12-point set with ties on both sides', () => {
    // Golden values from scipy 1.17.1 (spearmanr, kendalltau, pearsonr, curve_fit of the same 4-parameter
    // logistic from LIQE's initialisation), computed once outside the test suite.
    const pred = [0.42, 0.47, 0.47, 0.51, 0.55, 0.58, 0.58, 0.61, 0.66, 0.7, 0.73, 0.79];
    const mos = [12, 20.5, 15, 30, 30, 41, 52.5, 48, 70, 76.5, 80, 81];
    const r = correlationReport(Float32Array.from(pred), mos);
    const d = correlationReport(pred, mos);
    expect(d.srcc).toBeCloseTo(0.9841842967266853, 12);
    expect(d.krcc).toBeCloseTo(0.9457648512427146, 12);
    expect(d.plcc).toBeCloseTo(0.9735130125846289, 12);
    expect(d.plccLogistic).toBeCloseTo(0.9866067202823012, 6);
    expect(d.rmseLogistic).toBeCloseTo(4.005529654592734, 5);
    d.logisticParams!.forEach((p, k) => expect(p).toBeCloseTo([85.4852976, 9.1534155, 0.5896218, 0.0591632][k]!, 3));
    // float32 inputs give the same ranks and nearly the same linear metrics.
    expect(r.srcc).toBeCloseTo(d.srcc, 12);
    expect(r.plcc).toBeCloseTo(d.plcc, 6);
  });

  it('throws only on mismatched lengths', () => {
    expect(() => correlationReport([1, 2], [1])).toThrow(/2 predictions but 1 MOS/);
  });
});
