/**
 * DeCLIP's I&2T filter: keep a description only when it holds at least `minTerms` words from a perceptual
 * vocabulary (7 in the paper). This is the core of `perceptgraph i2t filter`.
 */

import { countPerceptualTerms, defaultVocabulary, tokenizeWords, type Vocabulary } from '../vocab/vocabulary.js';

/** Which text is counted: T_p alone (default) or T_p and T_s together (for raw, un-split descriptions). */
export type FilterField = 'perceptual' | 'both';

/** Options of {@link filterDescriptions}. */
export interface FilterOptions {
  /** Minimum vocabulary hits to keep a row (default 7, the paper's value). */
  readonly minTerms?: number;
  readonly vocab?: Vocabulary;
  readonly field?: FilterField;
}

/** min / median / mean / max of a list of counts; all NaN when the list is empty. */
export interface CountStats {
  readonly n: number;
  readonly min: number;
  readonly median: number;
  readonly mean: number;
  readonly max: number;
}

/** What the filter did, for printing and for JSON reports. */
export interface FilterReport {
  readonly total: number;
  readonly kept: number;
  readonly dropped: number;
  readonly minTerms: number;
  readonly field: FilterField;
  readonly vocabSource: string;
  readonly vocabSize: number;
  /** Vocabulary hits per description: all rows, kept rows, dropped rows. */
  readonly termCounts: { readonly all: CountStats; readonly kept: CountStats; readonly dropped: CountStats };
  /** Number of rows per hit count, e.g. {0: 3, 7: 10}. */
  readonly termHistogram: Readonly<Record<number, number>>;
  /** Plain word counts of the counted text, all rows. */
  readonly wordCounts: CountStats;
}

/** Result of {@link filterDescriptions}; rows keep their input order. */
export interface FilterResult<R> {
  readonly kept: readonly R[];
  readonly dropped: readonly R[];
  /** Vocabulary hits of each input row, in input order. */
  readonly termCounts: readonly number[];
  readonly report: FilterReport;
}

const defaults = { minTerms: 7, field: 'perceptual' } satisfies FilterOptions;

/** Splits rows into kept / dropped by their count of perceptual vocabulary terms. */
export function filterDescriptions<R extends { readonly perceptual: string; readonly semantic: string }>(
  rows: readonly R[],
  options: FilterOptions = {},
): FilterResult<R> {
  const minTerms = options.minTerms ?? defaults.minTerms;
  const field = options.field ?? defaults.field;
  const vocab = options.vocab ?? defaultVocabulary();
  const textOf = (r: R) => (field === 'both' ? `${r.perceptual}\n${r.semantic}` : r.perceptual);
  const termCounts = rows.map((r) => countPerceptualTerms(textOf(r), vocab).count);
  const wordCounts = rows.map((r) => tokenizeWords(textOf(r)).length);
  const kept: R[] = [];
  const dropped: R[] = [];
  const keptCounts: number[] = [];
  const droppedCounts: number[] = [];
  rows.forEach((r, i) => {
    const keep = termCounts[i]! >= minTerms;
    (keep ? kept : dropped).push(r);
    (keep ? keptCounts : droppedCounts).push(termCounts[i]!);
  });
  const termHistogram: Record<number, number> = {};
  for (const c of termCounts) termHistogram[c] = (termHistogram[c] ?? 0) + 1;
  const report: FilterReport = {
    total: rows.length,
    kept: kept.length,
    dropped: dropped.length,
    minTerms,
    field,
    vocabSource: vocab.source,
    vocabSize: vocab.terms.length,
    termCounts: { all: countStats(termCounts), kept: countStats(keptCounts), dropped: countStats(droppedCounts) },
    termHistogram,
    wordCounts: countStats(wordCounts),
  };
  return { kept, dropped, termCounts, report };
}

/** Summary statistics of counts (median of an even list = mean of the middle two). */
export function countStats(values: readonly number[]): CountStats {
  const n = values.length;
  if (n === 0) return { n, min: NaN, median: NaN, mean: NaN, max: NaN };
  const s = [...values].sort((a, b) => a - b);
  const median = n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
  return { n, min: s[0]!, median, mean: s.reduce((a, b) => a + b, 0) / n, max: s[n - 1]! };
}
