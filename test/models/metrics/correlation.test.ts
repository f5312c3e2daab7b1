import { describe, expect, it } from 'vitest';
import { averageRanks, kendallTauB, pearson, spearman } from '../../../models/metrics/correlation.js';

// Every expected value below is worked out by hand in the comment next to it.

describe('averageRanks', () => {
  it('gives tied values the mean of the positions they occupy', () => {
    // sorted: 10(pos1) 20(pos2) 20(pos3) 30(pos4) → the two 20s share (2+3)/2 = 2.5
    expect([...averageRanks([20, 10, 30, 20])]).toEqual([2.5, 1, 4, 2.5]);
  });
  it('ranks a constant vector as all the middle rank', () => {
    // 3 equal values share (1+2+3)/3 = 2
    expect([...averageRanks([7, 7, 7])]).toEqual([2, 2, 2]);
  });
});

describe('pearson', () => {
  it('matches the hand computation', () => {
    // x̄ = 3, ȳ = 3; dx = [-2,-1,0,1,2], dy = [-1,-2,1,0,2]
    // Σdxdy = 2+2+0+0+4 = 8; Σdx² = 10; Σdy² = 1+4+1+0+4 = 10 → r = 8/10 = 0.8
    expect(pearson([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12);
  });
  it('is NaN for a constant input and for n < 2', () => {
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(pearson([1], [2])).toBeNaN();
  });
});

describe('spearman', () => {
  it('matches 1 − 6Σd²/(n(n²−1)) without ties', () => {
    // ranks of y = [2,1,4,3,5]; d = [-1,1,-1,1,0]; Σd² = 4 → 1 − 24/120 = 0.8
    expect(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12);
  });
  it('uses average ranks for ties (where the shortcut formula would be wrong)', () => {
    // rx = [1,2.5,2.5,4], ry = [1,3,2,4], both means 2.5
    // drx = [-1.5,0,0,1.5], dry = [-1.5,0.5,-0.5,1.5]; Σ = 2.25+2.25 = 4.5
    // Σdrx² = 4.5; Σdry² = 2.25+0.25+0.25+2.25 = 5 → 4.5/sqrt(22.5) = sqrt(0.9)
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(Math.sqrt(0.9), 12);
    // Shortcut would give d = [0,-0.5,0.5,0] → 1 − 6·0.5/60 = 0.95, which must NOT be the answer.
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).not.toBeCloseTo(0.95, 4);
  });
  it('handles ties on both sides', () => {
    // rx = [1.5,1.5,3.5,3.5], ry = [1.5,1.5,3,4], means 2.5
    // drx = [-1,-1,1,1], dry = [-1,-1,0.5,1.5]; Σ = 1+1+0.5+1.5 = 4; Σdrx² = 4; Σdry² = 4.5 → 4/sqrt(18)
    expect(spearman([1, 1, 2, 2], [1, 1, 2, 3])).toBeCloseTo(4 / Math.sqrt(18), 12);
  });
  it('is −1 for a reversed order and NaN for a constant input', () => {
    expect(spearman([1, 2, 3], [30, 20, 10])).toBeCloseTo(-1, 12);
    expect(spearman([5, 5, 5, 5], [1, 2, 3, 4])).toBeNaN();
  });
});

describe('kendallTauB', () => {
  it('matches the hand count without ties', () => {
    // y = [2,1,4,3,5]: discordant pairs (1,2) and (3,4); the other 8 of 10 are concordant → (8−2)/10
    expect(kendallTauB([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.6, 12);
  });
  it('is tau-b with ties only in x', () => {
    // pairs: (1,2)C (1,3)C (1,4)C (2,3) tied in x only → T (2,4)C (3,4)C
    // P = 5, Q = 0, T = 1, U = 0 → 5 / sqrt((5+1)(5+0)) = 5/sqrt(30)
    expect(kendallTauB([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(5 / Math.sqrt(30), 12);
  });
  it('counts pairs tied in both in neither T nor U', () => {
    // x = [1,1,2,2], y = [1,1,2,3]: (1,2) tied in both → skipped; (3,4) tied in x only → T = 1;
    // (1,3)(1,4)(2,3)(2,4) concordant → P = 4 → 4 / sqrt((4+1)(4+0)) = 4/sqrt(20)
    expect(kendallTauB([1, 1, 2, 2], [1, 1, 2, 3])).toBeCloseTo(4 / Math.sqrt(20), 12);
  });
  it('handles ties in y and discordance', () => {
    // x = [1,2,3], y = [2,2,1]: (1,2) tied in y only → U = 1; (1,3) 1<3, 2>1 → Q; (2,3) → Q
    // P = 0, Q = 2 → −2 / sqrt((2+0)(2+1)) = −2/sqrt(6)
    expect(kendallTauB([1, 2, 3], [2, 2, 1])).toBeCloseTo(-2 / Math.sqrt(6), 12);
  });
  it('is NaN when one input is constant or n < 2', () => {
    expect(kendallTauB([1, 2, 3], [4, 4, 4])).toBeNaN();
    expect(kendallTauB([1], [1])).toBeNaN();
  });
});

describe('NaN inputs (scipy nan_policy="propagate": statistic nan)', () => {
  // scipy 1.10 (Debian): spearmanr([1,2,nan,4,5], [2,1,3,5,4]) and kendalltau(...) give nan; rankdata gives all nan.
  const x = [1, 2, NaN, 4, 5];
  const y = [2, 1, 3, 5, 4];
  it('spearman and kendallTauB return NaN with a NaN in either input', () => {
    expect(spearman(x, y)).toBeNaN();
    expect(spearman(y, x)).toBeNaN();
    expect(kendallTauB(x, y)).toBeNaN();
    expect(kendallTauB(y, Float32Array.from(x))).toBeNaN();
    expect(pearson(x, y)).toBeNaN();
  });
  it('averageRanks gives all NaN, as rankdata', () => expect(Array.from(averageRanks(x)).every(Number.isNaN)).toBe(true));
  it('infinities still rank (scipy: spearmanr([1,2,3], [inf,1,2]) = -0.5)', () => expect(spearman([1, 2, 3], [Infinity, 1, 2])).toBeCloseTo(-0.5, 12));
});
