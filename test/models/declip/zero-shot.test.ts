import { describe, expect, it } from 'vitest';
import { antonymScores, cosineToText, meanScores, normalizeRows, sigmoid } from '../../../models/declip/zero-shot.js';
import { spearman } from '../../../models/metrics/index.js';

const tensor = (rows: number[][]) => ({ data: Float32Array.from(rows.flat()), dims: [rows.length, rows[0]!.length] });

describe('normalizeRows', () => {
  it('scales each row to unit length and leaves a zero row at zero', () => {
    const out = normalizeRows(tensor([[3, 4], [0, 0]]));
    expect(Array.from(out)).toEqual([0.6000000238418579, 0.800000011920929, 0, 0]);
  });
});

describe('cosineToText', () => {
  it('is the cosine of each row with the text vector', () => {
    const cos = cosineToText(tensor([[1, 0], [1, 1], [0, -2]]), Float32Array.of(2, 0));
    expect(cos[0]).toBeCloseTo(1, 6);
    expect(cos[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(cos[2]).toBeCloseTo(0, 6);
  });

  it('names both widths when they differ', () => {
    expect(() => cosineToText(tensor([[1, 0, 0]]), Float32Array.of(1, 0))).toThrow(/2 values, image embeddings have d = 3/);
  });
});

describe('antonymScores (eq. 8)', () => {
  it('matches e^{k·cos_p} / (e^{k·cos_p} + e^{k·cos_n}) computed by hand', () => {
    const images = tensor([[1, 0], [0, 1], [1, 1]]);
    const pos = Float32Array.of(1, 0);
    const neg = Float32Array.of(0, 1);
    const k1 = antonymScores({ images, positive: pos, negative: neg, logitScale: 1 });
    expect(k1[0]).toBeCloseTo(Math.E / (Math.E + 1), 6); // cos_p = 1, cos_n = 0
    expect(k1[1]).toBeCloseTo(1 / (Math.E + 1), 6);
    expect(k1[2]).toBeCloseTo(0.5, 6);
    const k100 = antonymScores({ images, positive: pos, negative: neg });
    expect(k100[0]).toBeCloseTo(1, 6);
    expect(k100[1]).toBeCloseTo(0, 6);
  });

  it('keeps the ranking for any positive logit_scale', () => {
    // Cosine gaps of a few hundredths, as real CLIP gives; far larger gaps would saturate σ at k = 100.
    const images = tensor([[0.52, 0.48], [0.49, 0.51], [0.5, 0.5], [0.55, 0.45]]);
    const args = { images, positive: Float32Array.of(1, 0.1), negative: Float32Array.of(0.2, 1) };
    const a = antonymScores({ ...args, logitScale: 1 });
    const b = antonymScores({ ...args, logitScale: 100 });
    expect(b).not.toEqual(a);
    expect(spearman(a, b)).toBeCloseTo(1, 12);
  });

  it('rejects a non-positive logit_scale', () => {
    const args = { images: tensor([[1, 0]]), positive: Float32Array.of(1, 0), negative: Float32Array.of(0, 1) };
    expect(() => antonymScores({ ...args, logitScale: 0 })).toThrow(/logit_scale must be a positive/);
  });
});

describe('sigmoid', () => {
  it('does not overflow for large arguments', () => {
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(0)).toBe(0.5);
  });
});

describe('meanScores', () => {
  it('averages element-wise', () => {
    expect(meanScores([[0, 1], [1, 0], [0.5, 0.5]])).toEqual([0.5, 0.5]);
  });
});
