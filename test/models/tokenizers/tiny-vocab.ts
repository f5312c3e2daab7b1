/** A hand-made CLIP-style vocabulary small enough to reason about in tests. */
import type { ClipTokenizerData } from '../../../models/tokenizers/clip-bpe.js';

/** Ids: "!"0 a1 c2 t3 a</w>4 c</w>5 t</w>6 ca7 cat</w>8 at</w>9 ,</w>10 bos11 eos12. */
export const TINY_VOCAB: Record<string, number> = {
  '!': 0, a: 1, c: 2, t: 3, 'a</w>': 4, 'c</w>': 5, 't</w>': 6, ca: 7, 'cat</w>': 8, 'at</w>': 9, ',</w>': 10,
  '<|startoftext|>': 11, '<|endoftext|>': 12,
};

/** Rank order matters: "cat" must merge c+a first (→ cat</w>), not a+t</w> (→ c at</w>). */
export const TINY_MERGES = ['c a', 'ca t</w>', 'a t</w>'];

export const BOS = 11;
export const EOS = 12;
export const CAT = 8;

export function tinyData(extra: Partial<ClipTokenizerData> = {}): ClipTokenizerData {
  return { vocab: { ...TINY_VOCAB }, merges: [...TINY_MERGES], ...extra };
}
