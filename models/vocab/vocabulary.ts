/**
 * Perceptual vocabulary matching: whole words, case-insensitive, multi-word terms counted once, hyphens and
 * spaces interchangeable ("soft-lit" ≡ "soft lit"). Used by the I&2T filter (DeCLIP keeps descriptions with at
 * least 7 vocabulary words) and by the perceptual/semantic prompt splitter.
 */

import { readFileSync } from 'node:fs';
import { parseCsv } from '../csv.js';
import { DEFAULT_PERCEPTUAL_TERMS } from './perceptual-terms.js';

/** A compiled vocabulary. Build one with {@link createVocabulary} or {@link loadVocabulary}. */
export interface Vocabulary {
  /** Where the terms came from: 'builtin' or the file path. */
  readonly source: string;
  /** Normalised terms (lower-case words joined by single spaces; hyphens become spaces). */
  readonly terms: readonly string[];
  /** First word → the terms starting with it, as word lists, longest first (greedy longest match). */
  readonly byFirstWord: ReadonlyMap<string, readonly (readonly string[])[]>;
}

/** A word of a text with its UTF-16 offsets [start, end) in that text. */
export interface WordToken {
  readonly word: string;
  readonly start: number;
  readonly end: number;
}

/** One vocabulary hit: the normalised term and the original text span it covers. */
export interface TermMatch {
  readonly term: string;
  /** The matched slice of the input, as written ("Soft-lit"). */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Result of {@link countPerceptualTerms}. */
export interface TermCount {
  /** Vocabulary hits; a multi-word term counts once, each occurrence counts. */
  readonly count: number;
  /** Number of different terms hit. */
  readonly distinct: number;
  /** The hits in text order, non-overlapping. */
  readonly matches: readonly TermMatch[];
}

// Letters/digits, with in-word apostrophes kept ("bird's"). Hyphens, spaces and punctuation separate words.
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

/** Splits text into lower-cased words with their offsets. */
export function tokenizeWords(text: string): WordToken[] {
  return [...text.matchAll(WORD)].map((m) => ({
    word: m[0].toLowerCase().replaceAll('’', "'"),
    start: m.index,
    end: m.index + m[0].length,
  }));
}

/** Compiles terms into a {@link Vocabulary}; blank terms are ignored, duplicates (after normalising) merged. */
export function createVocabulary(terms: Iterable<string>, source = 'custom'): Vocabulary {
  const byFirstWord = new Map<string, string[][]>();
  const normalised = new Set<string>();
  for (const raw of terms) {
    const words = tokenizeWords(raw).map((t) => t.word);
    if (words.length === 0) continue;
    const key = words.join(' ');
    if (normalised.has(key)) continue;
    normalised.add(key);
    const list = byFirstWord.get(words[0]!) ?? [];
    list.push(words);
    byFirstWord.set(words[0]!, list);
  }
  for (const list of byFirstWord.values()) list.sort((a, b) => b.length - a.length);
  return { source, terms: [...normalised], byFirstWord };
}

let builtin: Vocabulary | undefined;

/** The project's built-in vocabulary (`perceptual-terms.ts`), compiled once. */
export function defaultVocabulary(): Vocabulary {
  builtin ??= createVocabulary(DEFAULT_PERCEPTUAL_TERMS, 'builtin');
  return builtin;
}

/**
 * Parses a vocabulary file's text: one term per line; lines starting with '#' are comments; CSV quoting is
 * honoured and only the first column is used, so one-column tag CSVs work as they are.
 */
export function parseVocabularyText(text: string): string[] {
  return parseCsv(text)
    .records.map((r) => r.fields[0]!.trim())
    .filter((t) => t.length > 0 && !t.startsWith('#'));
}

/**
 * The vocabulary for `--vocab FILE`: the file's terms when `file` is given, the built-in list otherwise.
 * @throws Error naming the file when it cannot be read or holds no terms.
 */
export function loadVocabulary(file?: string): Vocabulary {
  if (file === undefined) return defaultVocabulary();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read vocabulary file ${file}: ${(err as Error).message}`);
  }
  const vocab = createVocabulary(parseVocabularyText(text), file);
  if (vocab.terms.length === 0) throw new Error(`vocabulary file ${file} holds no terms (expected one per line)`);
  return vocab;
}

/** Finds vocabulary terms in `text`: greedy longest match left to right, whole words only, no overlaps. */
export function findPerceptualTerms(text: string, vocab: Vocabulary): TermMatch[] {
  const tokens = tokenizeWords(text);
  const matches: TermMatch[] = [];
  let i = 0;
  while (i < tokens.length) {
    const candidates = vocab.byFirstWord.get(tokens[i]!.word) ?? [];
    const hit = candidates.find((words) => words.every((w, k) => tokens[i + k]?.word === w));
    if (!hit) {
      i++;
      continue;
    }
    const start = tokens[i]!.start;
    const end = tokens[i + hit.length - 1]!.end;
    matches.push({ term: hit.join(' '), text: text.slice(start, end), start, end });
    i += hit.length;
  }
  return matches;
}

/** Counts vocabulary terms in `text` (see {@link TermCount}). */
export function countPerceptualTerms(text: string, vocab: Vocabulary = defaultVocabulary()): TermCount {
  const matches = findPerceptualTerms(text, vocab);
  return { count: matches.length, distinct: new Set(matches.map((m) => m.term)).size, matches };
}
