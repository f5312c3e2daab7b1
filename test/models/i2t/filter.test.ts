import { describe, expect, it } from 'vitest';
import { countStats, filterDescriptions } from '../../../models/i2t/filter.js';
import { createVocabulary } from '../../../models/vocab/vocabulary.js';

const vocab = createVocabulary(['sharp', 'blurry', 'noisy', 'depth of field', 'bokeh']);
const rows = [
  { id: 'a', perceptual: 'sharp, noisy, bokeh', semantic: 'a cat' }, // 3 terms
  { id: 'b', perceptual: 'blurry', semantic: 'a sharp dog' }, // 1 (2 with semantic)
  { id: 'c', perceptual: 'shallow depth of field and bokeh', semantic: 'x' }, // 2: multi-word counts once
  { id: 'd', perceptual: 'a plain description', semantic: 'y' }, // 0
];

describe('filterDescriptions', () => {
  it('keeps rows with at least minTerms vocabulary terms, in order', () => {
    const r = filterDescriptions(rows, { minTerms: 2, vocab });
    expect(r.kept.map((x) => x.id)).toEqual(['a', 'c']);
    expect(r.dropped.map((x) => x.id)).toEqual(['b', 'd']);
    expect(r.termCounts).toEqual([3, 1, 2, 0]);
    expect(r.report).toMatchObject({ total: 4, kept: 2, dropped: 2, minTerms: 2, field: 'perceptual' });
    expect(r.report.termHistogram).toEqual({ 0: 1, 1: 1, 2: 1, 3: 1 });
    // counts sorted [0,1,2,3]: median (1+2)/2 = 1.5, mean 6/4 = 1.5
    expect(r.report.termCounts.all).toEqual({ n: 4, min: 0, median: 1.5, mean: 1.5, max: 3 });
    expect(r.report.termCounts.kept).toMatchObject({ min: 2, max: 3 });
    // words: 3, 1, 6, 3 → sorted [1,3,3,6] median 3, mean 13/4 = 3.25
    expect(r.report.wordCounts).toEqual({ n: 4, min: 1, median: 3, mean: 3.25, max: 6 });
  });

  it("counts perceptual and semantic text together with field 'both'", () => {
    expect(filterDescriptions(rows, { minTerms: 2, vocab, field: 'both' }).kept.map((x) => x.id)).toEqual(['a', 'b', 'c']);
  });

  it('defaults to the paper threshold of 7 and the built-in vocabulary', () => {
    const r = filterDescriptions([
      { perceptual: 'sharp, crisp, vibrant, saturated, high contrast, bright, well-exposed', semantic: '' },
      { perceptual: 'sharp, crisp, vibrant, saturated, high contrast, bright', semantic: '' },
    ]);
    expect(r.report.minTerms).toBe(7);
    expect(r.report.vocabSource).toBe('builtin');
    expect(r.termCounts).toEqual([7, 6]);
    expect(r.report.kept).toBe(1);
  });

  it('handles an empty input', () => {
    const r = filterDescriptions([], { vocab });
    expect(r.report.total).toBe(0);
    expect(r.report.termCounts.all.median).toBeNaN();
  });
});

describe('countStats', () => {
  it('uses the middle value for odd n', () => {
    expect(countStats([5, 1, 3])).toEqual({ n: 3, min: 1, median: 3, mean: 3, max: 5 });
  });
});
