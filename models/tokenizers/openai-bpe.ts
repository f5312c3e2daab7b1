/**
 * Converts OpenAI CLIP's `bpe_simple_vocab_16e6.txt.gz` into the HF `vocab.json` + `merges.txt` pair, exactly as
 * `SimpleTokenizer.__init__` builds its encoder: 256 byte symbols, the same with `</w>`, one token per merge, then
 * `<|startoftext|>` (49406) and `<|endoftext|>` (49407).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { byteSymbolsInVocabOrder } from './byte-unicode.js';

/** Merges used by CLIP: lines [1, 49152 − 256 − 2 + 1) of the file (line 0 is a "#version" header). */
export const OPENAI_CLIP_MERGE_COUNT = 49152 - 256 - 2;

/** An HF-style BPE vocabulary: token → id, and merges "left right" in rank order. */
export interface BpeVocabData {
  readonly vocab: Record<string, number>;
  readonly merges: string[];
}

/** Builds the vocab from merges text (header line first), using at most `mergeCount` merges. */
export function vocabFromOpenAiMerges(text: string, mergeCount = OPENAI_CLIP_MERGE_COUNT): BpeVocabData {
  const lines = text.split('\n').slice(1, 1 + mergeCount);
  const merges: string[] = [];
  const tokens = byteSymbolsInVocabOrder();
  tokens.push(...tokens.map((t) => `${t}</w>`));
  for (const [i, line] of lines.entries()) {
    const parts = line.split(/\s+/).filter(Boolean);
    if (parts.length !== 2) throw new Error(`OpenAI BPE: merge line ${i + 2} should hold two symbols, got "${line}"`);
    merges.push(`${parts[0]} ${parts[1]}`);
    tokens.push(parts[0]! + parts[1]!);
  }
  tokens.push('<|startoftext|>', '<|endoftext|>');
  const vocab: Record<string, number> = {};
  // Later duplicates overwrite earlier ones, like dict(zip(vocab, range(n))) in the reference.
  tokens.forEach((t, id) => (vocab[t] = id));
  return { vocab, merges };
}

/** Reads and converts a gzipped OpenAI BPE file (`bpe_simple_vocab_16e6.txt.gz`): 49,408 ids, 48,894 merges. */
export function convertOpenAiBpe(gzPath: string): BpeVocabData {
  let text: string;
  try {
    text = gunzipSync(readFileSync(gzPath)).toString('utf8');
  } catch (err) {
    throw new Error(`OpenAI BPE: cannot read gzipped merges from ${gzPath}: ${(err as Error).message}`);
  }
  return vocabFromOpenAiMerges(text);
}
