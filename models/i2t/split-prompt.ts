/**
 * Splits a mixed prompt into its perceptual and semantic parts with the perceptual vocabulary, for the
 * `TextSplitPerceptualSemantic` node: "a dreamy, soft-lit photo of a street lamp" → perceptual
 * "dreamy, soft-lit", semantic "a photo of a street lamp". Each half can then go to the matching DeCLIP mode.
 */

import { defaultVocabulary, findPerceptualTerms, type TermMatch, type Vocabulary } from '../vocab/vocabulary.js';

/** Result of {@link splitPerceptualSemantic}. */
export interface PromptSplit {
  /** The perceptual terms as written in the prompt, in order, joined by ", ". Empty when none matched. */
  readonly perceptual: string;
  /** The prompt without those terms, with commas and whitespace tidied. */
  readonly semantic: string;
  readonly matches: readonly TermMatch[];
}

// Words left dangling at the edge of a clause once the perceptual words around them are gone
// ("a lamp with soft lighting" → "a lamp with").
const DANGLING_END = /\s+(?:with|and|or|in|under|at|of|featuring|by)$/i;
const DANGLING_START = /^(?:and|or|with)\s+/i;

/** Splits `prompt` into perceptual and semantic text. Pure string work; never throws. */
export function splitPerceptualSemantic(prompt: string, vocab: Vocabulary = defaultVocabulary()): PromptSplit {
  const matches = findPerceptualTerms(prompt, vocab);
  const perceptual = matches.map((m) => m.text).join(', ');
  return { perceptual, semantic: tidy(removeSpans(prompt, matches)), matches };
}

/** Removes each match plus one list comma next to it (the following one, else the preceding one). */
function removeSpans(text: string, matches: readonly TermMatch[]): string {
  let out = '';
  let cursor = 0;
  for (const m of matches) {
    let start = m.start;
    let end = m.end;
    const after = /^\s*[,;]/.exec(text.slice(end));
    if (after) end += after[0].length;
    else {
      const before = /[,;]\s*$/.exec(text.slice(cursor, start));
      if (before) start -= before[0].length;
    }
    out += text.slice(cursor, start) + ' ';
    cursor = end;
  }
  return out + text.slice(cursor);
}

function tidy(text: string): string {
  const clauses: string[] = [];
  for (const raw of text.replace(/\s+/g, ' ').split(/\s*,\s*/)) {
    const clause = raw.trim().replace(DANGLING_END, '').replace(DANGLING_START, '').trim();
    if (/[\p{L}\p{N}]/u.test(clause)) clauses.push(clause);
    // A clause of bare punctuation is the prompt's own ending ("…, vibrant.") and belongs to the previous one.
    else if (clauses.length > 0) clauses[clauses.length - 1] += clause.replace(/[^.!?]/g, '');
  }
  return clauses.join(', ').replace(/\s+([.;:!?])/g, '$1').replace(/^[\s.;:!?]+|[\s;:]+$/g, '');
}
