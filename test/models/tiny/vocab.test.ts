import { describe, expect, it } from 'vitest';
import { bytesToUnicode, buildTinyVocab, tokenizerFiles } from '../../../models/tiny/vocab.js';

const v = buildTinyVocab();

/** A minimal reference CLIP BPE over one lowercase ASCII word (openai/CLIP simple_tokenizer's `bpe`). */
function bpeWord(word: string, ranks: Map<string, number>): string[] {
  let parts = [...word.slice(0, -1), `${word.slice(-1)}</w>`];
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < parts.length; i++) {
      const r = ranks.get(`${parts[i]} ${parts[i + 1]}`);
      if (r !== undefined && r < bestRank) [best, bestRank] = [i, r];
    }
    if (best < 0) return parts;
    const [a, b] = [parts[best]!, parts[best + 1]!];
    const next: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      if (i + 1 < parts.length && parts[i] === a && parts[i + 1] === b) next.push(a + b), i++;
      else next.push(parts[i]!);
    }
    parts = next;
  }
}

/** Reads the vocabulary back from the written file texts, as a tokenizer would. */
function loadFromFiles() {
  const files = tokenizerFiles(v);
  const vocab = JSON.parse(files['vocab.json']!) as Record<string, number>;
  const lines = files['merges.txt']!.split('\n');
  const ranks = new Map(lines.slice(1).filter((l) => l.length > 0).map((l, i) => [l, i]));
  return { files, vocab, lines, ranks };
}

describe('buildTinyVocab', () => {
  it('lays ids out as CLIP does: bytes, bytes</w>, merges, then the two special tokens', () => {
    const bytes = bytesToUnicode();
    expect(bytes).toHaveLength(256);
    expect(v.vocab['!']).toBe(0);
    expect(v.vocab[bytes[255]![1]]).toBe(255);
    expect(v.vocab['!</w>']).toBe(256);
    expect(v.size).toBe(512 + v.merges.length + 2);
    expect(v.vocab['<|startoftext|>']).toBe(v.size - 2);
    expect(v.vocab['<|endoftext|>']).toBe(v.size - 1);
    expect([v.bosId, v.eosId]).toEqual([v.size - 2, v.size - 1]);
    const ids = Object.values(v.vocab).sort((a, b) => a - b);
    expect(ids).toEqual([...Array(v.size).keys()]);
  });

  it('is deterministic', () => {
    expect(buildTinyVocab()).toEqual(v);
  });

  it('writes merges.txt with a header line and merges whose parts and results are tokens', () => {
    const { lines, vocab } = loadFromFiles();
    expect(lines[0]).toBe('#version: 0.2');
    expect(lines.filter((l) => l.length > 0)).toHaveLength(v.merges.length + 1);
    for (const line of lines.slice(1).filter((l) => l)) {
      const [a, b, extra] = line.split(' ');
      expect(extra).toBeUndefined();
      expect(vocab[a!]).toBeDefined();
      expect(vocab[b!]).toBeDefined();
      expect(vocab[a! + b!]).toBeDefined();
    }
  });

  it('makes the quality words single tokens under standard CLIP BPE, and spells unknown words in pieces', () => {
    const { vocab, ranks } = loadFromFiles();
    for (const w of ['good', 'bad', 'photo', 'blurry', 'sharp', 'noisy', 'bright', 'dark', 'clean', 'colorful']) {
      expect(bpeWord(w, ranks), w).toEqual([`${w}</w>`]);
    }
    const pieces = bpeWord('zqxwv', ranks);
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) expect(vocab[p], p).toBeDefined();
  });

  it('writes tokenizer_config.json and special_tokens_map.json with the special tokens', () => {
    const { files } = loadFromFiles();
    const cfg = JSON.parse(files['tokenizer_config.json']!) as Record<string, unknown>;
    expect(cfg).toMatchObject({ model_max_length: 77, bos_token: '<|startoftext|>', eos_token: '<|endoftext|>', pad_token: '<|endoftext|>' });
    expect(JSON.parse(tokenizerFiles(v, { padToken: '!' })['special_tokens_map.json']!).pad_token).toBe('!');
  });
});
