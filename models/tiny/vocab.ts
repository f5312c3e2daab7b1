/**
 * The project's own tiny CLIP-format BPE vocabulary, learned at build time from {@link TINY_VOCAB_WORDS}.
 *
 * Layout follows OpenAI CLIP's `simple_tokenizer` exactly, so any standard CLIP BPE tokenizer loads it:
 * ids 0..255 are the byte symbols (GPT-2 `bytes_to_unicode` order), 256..511 the same with `</w>`, then one token
 * per merge (in merge order), then `<|startoftext|>` and `<|endoftext|>` last. Keeping eos the largest id means
 * HF's legacy `argmax(input_ids)` EOS pooling still finds the first eos, as it does with 49407.
 * `merges.txt` starts with a `#version: 0.2` header line, as HF's files do (both HF and OpenAI skip line 1).
 */
import { TINY_VOCAB_WORDS } from './vocab-words.js';

/** The learned vocabulary. */
export interface TinyVocab {
  /** token → id, as in `vocab.json`. */
  vocab: Record<string, number>;
  /** Merge pairs in rank order, as in `merges.txt` (without the header). */
  merges: [string, string][];
  bosId: number;
  eosId: number;
  /** Total number of ids (= embedding table rows). */
  size: number;
}

/** Default merge cap. The built-in word list is exhausted (every word one token) after about 600 merges. */
export const DEFAULT_MERGES = 1000;

/** GPT-2/CLIP byte → printable unicode character table, in the order CLIP lists it in the vocab. */
export function bytesToUnicode(): [number, string][] {
  const bs: number[] = [];
  for (let i = 0x21; i <= 0x7e; i++) bs.push(i);
  for (let i = 0xa1; i <= 0xac; i++) bs.push(i);
  for (let i = 0xae; i <= 0xff; i++) bs.push(i);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  return bs.map((b, i) => [b, String.fromCharCode(cs[i]!)]);
}

function mostFrequentPair(words: string[][], taken: Set<string>): [string, string] | undefined {
  const counts = new Map<string, number>();
  for (const w of words) {
    for (let i = 0; i + 1 < w.length; i++) {
      const key = `${w[i]} ${w[i + 1]}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  let best: string | undefined;
  let bestCount = 0;
  for (const [key, count] of counts) {
    // Ties break on the pair text so the vocabulary never depends on Map iteration details.
    if (taken.has(key.replace(' ', ''))) continue;
    if (count > bestCount || (count === bestCount && best !== undefined && key < best)) {
      best = key;
      bestCount = count;
    }
  }
  if (!best) return undefined;
  const [a, b] = best.split(' ');
  return [a!, b!];
}

function applyMerge(words: string[][], a: string, b: string): void {
  for (const w of words) {
    for (let i = 0; i + 1 < w.length; i++) {
      if (w[i] === a && w[i + 1] === b) w.splice(i, 2, a + b);
    }
  }
}

/**
 * Learns `maxMerges` BPE merges (fewer once every word is a single token) over the word list, one count per word.
 * Deterministic. A merge whose result is already a token is skipped, so every vocab entry is unique.
 */
export function buildTinyVocab(options: { maxMerges?: number; words?: readonly string[] } = {}): TinyVocab {
  const maxMerges = options.maxMerges ?? DEFAULT_MERGES;
  const byteSymbols = bytesToUnicode().map(([, c]) => c);
  const tokens = [...byteSymbols, ...byteSymbols.map((c) => `${c}</w>`)];
  const taken = new Set(tokens);
  // CLIP splits a word into characters with `</w>` glued to the last one (ASCII words map to themselves).
  const words = [...new Set(options.words ?? TINY_VOCAB_WORDS)].map((w) => {
    const chars = [...w.toLowerCase()];
    return [...chars.slice(0, -1), `${chars[chars.length - 1]}</w>`];
  });
  const merges: [string, string][] = [];
  while (merges.length < maxMerges) {
    const pair = mostFrequentPair(words, taken);
    if (!pair) break;
    merges.push(pair);
    tokens.push(pair[0] + pair[1]);
    taken.add(pair[0] + pair[1]);
    applyMerge(words, pair[0], pair[1]);
  }
  tokens.push('<|startoftext|>', '<|endoftext|>');
  const vocab: Record<string, number> = {};
  tokens.forEach((t, i) => (vocab[t] = i));
  return { vocab, merges, bosId: tokens.length - 2, eosId: tokens.length - 1, size: tokens.length };
}

/** Shape of {@link tokenizerFiles}'s options. */
export interface TokenizerFileOptions {
  /** Padding token: `'<|endoftext|>'` (OpenAI CLIP, SD1.5) or `'!'` (OpenCLIP/SD2). Default eos. */
  padToken?: string;
  modelMaxLength?: number;
}

/** The HF CLIP tokenizer folder files (vocab.json, merges.txt, tokenizer_config.json, special_tokens_map.json). */
export function tokenizerFiles(v: TinyVocab, options: TokenizerFileOptions = {}): Record<string, string> {
  const pad = options.padToken ?? '<|endoftext|>';
  const special = { bos_token: '<|startoftext|>', eos_token: '<|endoftext|>', unk_token: '<|endoftext|>', pad_token: pad };
  return {
    'vocab.json': JSON.stringify(v.vocab),
    'merges.txt': `#version: 0.2\n${v.merges.map(([a, b]) => `${a} ${b}`).join('\n')}\n`,
    'special_tokens_map.json': JSON.stringify(special, null, 2),
    'tokenizer_config.json': JSON.stringify(
      {
        tokenizer_class: 'CLIPTokenizer',
        model_max_length: options.modelMaxLength ?? 77,
        do_lower_case: true,
        errors: 'replace',
        add_prefix_space: false,
        ...special,
      },
      null,
      2,
    ),
  };
}
