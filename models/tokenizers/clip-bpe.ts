/**
 * CLIP BPE tokenizer, behaving like OpenAI's `simple_tokenizer` (and HF `CLIPTokenizer` on the same files):
 * cleanup + lowercase, CLIP regex pre-tokenisation, byte-level symbols, BPE with `</w>`, then bos/eos, truncation
 * (eos kept) and padding with the configured pad id.
 */
import { readFile } from 'node:fs/promises';
import { BpeModel } from './bpe.js';
import { fromByteSymbols, toByteSymbols } from './byte-unicode.js';
import { normalizeClipText, pretokenize } from './clip-normalize.js';
import { parseMergesText, readClipTokenizerDir } from './clip-tokenizer-files.js';
import type { ClipSpecialConfig, ClipTokenizerData } from './clip-tokenizer-files.js';
import { convertOpenAiBpe } from './openai-bpe.js';
import { splitWindows } from './token-windows.js';

export type { ClipSpecialConfig, ClipTokenizerData } from './clip-tokenizer-files.js';
export { convertOpenAiBpe } from './openai-bpe.js';

/** A padded batch of token ids. */
export interface TokenBatch {
  /** Row-major ids [B * length]; int32 (models/onnx casts to int64 where the model wants it). */
  readonly ids: Int32Array;
  /** [B, length]. */
  readonly dims: [number, number];
  /** Per row, the index of the eos that ends the sequence (where CLIP pools). */
  readonly eosIndex: number[];
}

/** Options of {@link ClipTokenizer.encodeBatch}. */
export interface EncodeBatchOptions {
  /** Row length incl. bos/eos; default the tokenizer's modelMaxLength (77). */
  readonly length?: number;
  /** Pad token string or id; default the configured pad. */
  readonly pad?: string | number;
  /** Cut long rows to `length` keeping eos last (default true); false makes a long row throw. */
  readonly truncate?: boolean;
}

/** Options of {@link ClipTokenizer.chunked}. */
export interface ChunkOptions {
  /** Content tokens per window (default modelMaxLength − 2 = 75). */
  readonly window?: number;
  /** Pad token string or id; default the configured pad. */
  readonly pad?: string | number;
  /**
   * ComfyUI's rule: a word (space-separated) shorter than 8 tokens is not split across windows; it starts a new
   * window instead. Default false: the token stream is cut every `window` tokens.
   */
  readonly keepWords?: boolean;
}

/** Paths of an HF vocab.json + merges.txt pair, plus optional special-token settings. */
export interface ClipTokenizerFiles extends ClipSpecialConfig {
  readonly vocab: string;
  readonly merges: string;
}

/** CLIP BPE tokenizer. Build with {@link ClipTokenizer.fromDir}, `fromFiles`, `fromData` or `fromOpenAiBpe`. */
export class ClipTokenizer {
  /** Start-of-text id (49406 in OpenAI's vocab). */
  readonly bosId: number;
  /** End-of-text id (49407); also unk and, by default, pad. */
  readonly eosId: number;
  /** Default padding id for encodeBatch/chunked. */
  readonly padId: number;
  /** Context length incl. bos/eos (77 for every CLIP). */
  readonly modelMaxLength: number;
  /** Largest id + 1 (49408 for OpenAI CLIP) = rows of the text encoder's token embedding. */
  readonly vocabSize: number;
  private readonly bpe: BpeModel;
  private readonly vocab: Map<string, number>;
  private readonly idToToken: string[];

  constructor(data: ClipTokenizerData) {
    this.vocab = new Map(Object.entries(data.vocab));
    this.idToToken = [];
    for (const [token, id] of this.vocab) this.idToToken[id] = token;
    this.vocabSize = this.idToToken.length;
    this.bosId = this.resolveToken(data.bos ?? '<|startoftext|>', 'bos');
    this.eosId = this.resolveToken(data.eos ?? '<|endoftext|>', 'eos');
    this.padId = data.pad === undefined ? this.eosId : this.resolveToken(data.pad, 'pad');
    const unk = data.unk ?? '<|endoftext|>';
    const unkId = typeof unk === 'number' ? unk : this.vocab.get(unk);
    this.modelMaxLength = data.modelMaxLength ?? 77;
    this.bpe = new BpeModel({ vocab: this.vocab, merges: data.merges, endOfWordSuffix: '</w>', unkId });
  }

  /** In-memory vocab/merges (e.g. from {@link convertOpenAiBpe}) and special-token settings. */
  static fromData(data: ClipTokenizerData): ClipTokenizer {
    return new ClipTokenizer(data);
  }

  /** An HF vocab.json + merges.txt pair. */
  static async fromFiles(files: ClipTokenizerFiles): Promise<ClipTokenizer> {
    const { vocab, merges, ...specials } = files;
    const vocabJson = JSON.parse(await readFile(vocab, 'utf8')) as Record<string, number>;
    return new ClipTokenizer({ vocab: vocabJson, merges: parseMergesText(await readFile(merges, 'utf8')), ...specials });
  }

  /** A folder with vocab.json + merges.txt or tokenizer.json, honouring tokenizer_config/special_tokens_map/config. */
  static async fromDir(dir: string): Promise<ClipTokenizer> {
    return new ClipTokenizer(await readClipTokenizerDir(dir));
  }

  /** OpenAI's `bpe_simple_vocab_16e6.txt.gz`; pads with eos unless `specials.pad` says otherwise (clip.tokenize: 0). */
  static fromOpenAiBpe(gzPath: string, specials: ClipSpecialConfig = {}): ClipTokenizer {
    return new ClipTokenizer({ ...convertOpenAiBpe(gzPath), ...specials });
  }

  /** Number of distinct words in the BPE cache. */
  get cacheSize(): number {
    return this.bpe.cacheSize;
  }

  /** Token ids of `text` without bos/eos. */
  tokenize(text: string): number[] {
    const ids: number[] = [];
    for (const piece of pretokenize(normalizeClipText(text))) {
      const special = piece.startsWith('<|') ? this.vocab.get(piece) : undefined;
      if (special !== undefined) ids.push(special);
      else ids.push(...this.bpe.encodeWord(toByteSymbols(piece)));
    }
    return ids;
  }

  /** [bos, ...tokens, eos], neither truncated nor padded. */
  encode(text: string): number[] {
    return [this.bosId, ...this.tokenize(text), this.eosId];
  }

  /** Encodes, truncates (eos kept last) and pads each text into one [B, length] int32 batch. */
  encodeBatch(texts: readonly string[], options: EncodeBatchOptions = {}): TokenBatch {
    const length = options.length ?? this.modelMaxLength;
    if (!Number.isInteger(length) || length < 2) throw new Error(`encodeBatch: length must be an integer ≥ 2, got ${length}`);
    const padId = options.pad === undefined ? this.padId : this.resolveToken(options.pad, 'pad');
    const rows = texts.map((text) => {
      const seq = this.encode(text);
      if (seq.length <= length) return seq;
      if (options.truncate === false) {
        throw new Error(`encodeBatch: "${text.slice(0, 40)}…" has ${seq.length} tokens, more than length ${length}`);
      }
      // OpenAI clip.tokenize: keep the first `length` and force the last one to eos.
      const cut = seq.slice(0, length);
      cut[length - 1] = this.eosId;
      return cut;
    });
    return this.pack(rows, length, padId);
  }

  /**
   * ComfyUI-style long prompt: content tokens are split into windows of `window` (75), each wrapped as
   * [bos, ...window, eos] and padded to window + 2 (77). Always at least one window; an empty prompt gives
   * [bos, eos, pad…].
   */
  chunked(text: string, windowOrOptions: number | ChunkOptions = {}): TokenBatch {
    const opts = typeof windowOrOptions === 'number' ? { window: windowOrOptions } : windowOrOptions;
    const window = opts.window ?? this.modelMaxLength - 2;
    if (!Number.isInteger(window) || window < 1) throw new Error(`chunked: window must be a positive integer, got ${window}`);
    const padId = opts.pad === undefined ? this.padId : this.resolveToken(opts.pad, 'pad');
    // The CLIP regex never matches across a space, so per-word tokenisation equals whole-text tokenisation.
    const words = normalizeClipText(text).split(' ').filter(Boolean).map((w) => this.tokenize(w));
    const windows = splitWindows(words, { window, keepWords: opts.keepWords ?? false });
    return this.pack(windows.map((w) => [this.bosId, ...w, this.eosId]), window + 2, padId);
  }

  /**
   * Text of `ids`. With `skipSpecial` (default true) bos is dropped and decoding stops at the first eos, since
   * what follows is padding; `</w>` becomes a space and the result is trimmed.
   */
  decode(ids: ArrayLike<number>, options: { skipSpecial?: boolean } = {}): string {
    const skip = options.skipSpecial ?? true;
    let symbols = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (skip && id === this.eosId) break;
      if (skip && id === this.bosId) continue;
      const token = this.idToToken[id];
      if (token === undefined) throw new Error(`decode: id ${id} is outside the vocab (size ${this.vocabSize})`);
      symbols += token;
    }
    // '</w>' is made of byte symbols itself, so it survives byte decoding and is replaced after (as OpenAI does).
    return fromByteSymbols(symbols).replaceAll('</w>', ' ').trim();
  }

  private pack(rows: readonly number[][], length: number, padId: number): TokenBatch {
    const ids = new Int32Array(rows.length * length).fill(padId);
    rows.forEach((row, b) => ids.set(row, b * length));
    return { ids, dims: [rows.length, length], eosIndex: rows.map((row) => row.length - 1) };
  }

  private resolveToken(token: string | number, role: string): number {
    if (typeof token === 'number') {
      if (!Number.isInteger(token) || token < 0 || token >= this.vocabSize) {
        throw new Error(`tokenizer: ${role} id ${token} is outside the vocab (size ${this.vocabSize})`);
      }
      return token;
    }
    const id = this.vocab.get(token);
    if (id === undefined) throw new Error(`tokenizer: ${role} token "${token}" is not in the vocab`);
    return id;
  }
}
