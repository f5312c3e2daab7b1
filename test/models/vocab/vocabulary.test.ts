import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PERCEPTUAL_TERMS } from '../../../models/vocab/perceptual-terms.js';
import {
  countPerceptualTerms,
  createVocabulary,
  defaultVocabulary,
  loadVocabulary,
  parseVocabularyText,
  tokenizeWords,
} from '../../../models/vocab/vocabulary.js';

const vocab = createVocabulary(['blur', 'depth of field', 'shallow depth of field', 'soft-lit', 'sharp', "bird's eye view"]);

describe('tokenizeWords', () => {
  it('lower-cases, keeps offsets and splits on hyphens and punctuation', () => {
    expect(tokenizeWords('A Soft-lit, bird’s eye')).toEqual([
      { word: 'a', start: 0, end: 1 },
      { word: 'soft', start: 2, end: 6 },
      { word: 'lit', start: 7, end: 10 },
      { word: "bird's", start: 12, end: 18 },
      { word: 'eye', start: 19, end: 22 },
    ]);
  });
});

describe('countPerceptualTerms', () => {
  it('matches whole words only', () => {
    // "blurry" and "sharpness" must not count as "blur" / "sharp".
    expect(countPerceptualTerms('blurry, sharpness, unblur', vocab).count).toBe(0);
    expect(countPerceptualTerms('a blur; sharp!', vocab).count).toBe(2);
  });

  it('is case-insensitive and reports the original spelling', () => {
    const r = countPerceptualTerms('BLUR and Sharp', vocab);
    expect(r.matches.map((m) => [m.term, m.text])).toEqual([
      ['blur', 'BLUR'],
      ['sharp', 'Sharp'],
    ]);
  });

  it('counts a multi-word term once, preferring the longest', () => {
    const r = countPerceptualTerms('a shallow depth of field, then depth of field again', vocab);
    expect(r.count).toBe(2);
    expect(r.distinct).toBe(2);
    expect(r.matches.map((m) => m.text)).toEqual(['shallow depth of field', 'depth of field']);
  });

  it('does not match a multi-word term split across other words', () => {
    expect(countPerceptualTerms('depth of the field', vocab).count).toBe(0);
  });

  it('treats hyphens and spaces alike, both ways', () => {
    expect(countPerceptualTerms('soft lit and Soft-Lit', vocab).matches.map((m) => m.text)).toEqual([
      'soft lit',
      'Soft-Lit',
    ]);
    expect(countPerceptualTerms("a bird's-eye view", vocab).count).toBe(1);
  });

  it('counts each occurrence; distinct counts terms', () => {
    const r = countPerceptualTerms('blur blur blur', vocab);
    expect([r.count, r.distinct]).toEqual([3, 1]);
  });

  it('finds at least 7 built-in terms in a rich perceptual description', () => {
    const text =
      'A moody, high-contrast shot with shallow depth of field and creamy bokeh; the highlights are slightly ' +
      'blown out, colors muted, with visible film grain and a soft vignette.';
    const r = countPerceptualTerms(text, defaultVocabulary());
    expect(r.count).toBeGreaterThanOrEqual(7);
    expect(r.matches.map((m) => m.term)).toContain('shallow depth of field');
  });

  it('leaves content words alone in the built-in vocabulary', () => {
    expect(countPerceptualTerms('a photo of a red car on a street under a lamp', defaultVocabulary()).count).toBe(0);
  });
});

describe('DEFAULT_PERCEPTUAL_TERMS', () => {
  it('has a few hundred unique, normalised terms including the ones the issues name', () => {
    expect(DEFAULT_PERCEPTUAL_TERMS.length).toBeGreaterThanOrEqual(300);
    expect(new Set(DEFAULT_PERCEPTUAL_TERMS).size).toBe(DEFAULT_PERCEPTUAL_TERMS.length);
    const terms = defaultVocabulary().terms;
    for (const t of ['blur', 'blurry', 'sharp', 'noisy', 'grainy', 'overexposed', 'vibrant', 'pastel', 'bokeh',
      'depth of field', 'symmetric', 'rule of thirds', 'minimalist', 'moody', 'dreamy', 'soft lit', 'backlit',
      'high contrast', 'washed out']) {
      expect(terms).toContain(t);
    }
  });
});

describe('loadVocabulary', () => {
  it('returns the built-in vocabulary without a file', () => {
    expect(loadVocabulary().source).toBe('builtin');
  });

  it('reads one term per line, skipping comments and blanks, honouring CSV quotes', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-'));
    const file = path.join(dir, 'vocab.txt');
    writeFileSync(file, '# my terms\nGlitter\n\n"neon, glow"\n  sparkly  \r\n');
    const v = loadVocabulary(file);
    expect(v.terms).toEqual(['glitter', 'neon glow', 'sparkly']);
    expect(countPerceptualTerms('glitter everywhere, sparkly', v).count).toBe(2);
  });

  it('names the file when it is missing or empty', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-'));
    expect(() => loadVocabulary(path.join(dir, 'nope.txt'))).toThrow(/nope\.txt/);
    writeFileSync(path.join(dir, 'empty.txt'), '# nothing\n');
    expect(() => loadVocabulary(path.join(dir, 'empty.txt'))).toThrow(/holds no terms/);
  });
});

const sharedTags = path.resolve(fileURLToPath(import.meta.url), '../../../../../shared/vocab/attribute_tags.csv');

describe.skipIf(!existsSync(sharedTags))('coverage against the TMCR attribute tags (needs ../shared/vocab)', () => {
  it('shares a substantial core with the reference list while being our own list', () => {
    const tags = createVocabulary(parseVocabularyText(readFileSync(sharedTags, 'utf8')), sharedTags);
    // The file has 1,659 lines; the first line is a real tag (see shared/vocab/README.md).
    expect(tags.terms).toContain('juxtaposition');
    const ours = defaultVocabulary().terms;
    const common = ours.filter((t) => tags.terms.includes(t));
    const share = common.length / ours.length;
    console.info(`vocabulary coverage: ${common.length}/${ours.length} of ours in TMCR (${(share * 100).toFixed(1)}%)`);
    expect(common.length).toBeGreaterThanOrEqual(80);
    // It must not be a copy: most of the reference list is absent from ours.
    expect(common.length).toBeLessThan(tags.terms.length * 0.5);
  });
});
