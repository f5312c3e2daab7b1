/**
 * Byte-pair merging over byte-symbol words, as in OpenAI's `SimpleTokenizer.bpe`: the last symbol carries the
 * end-of-word suffix (`</w>`), the pair with the lowest merge rank is merged everywhere (left to right,
 * non-overlapping) until no ranked pair remains. Results are cached per pre-token.
 */

/** Options of {@link BpeModel}. */
export interface BpeModelOptions {
  /** Token string → id. */
  readonly vocab: ReadonlyMap<string, number>;
  /** Merges in rank order, each "left right" (one space). */
  readonly merges: readonly string[];
  /** Appended to a word's last symbol; CLIP uses "</w>". */
  readonly endOfWordSuffix?: string;
  /** Id for a merged symbol missing from the vocab; when absent such a symbol throws. */
  readonly unkId?: number;
  /** Entries kept in the word cache before it is cleared (bounds memory on adversarial input). */
  readonly maxCacheEntries?: number;
}

/** A BPE vocabulary + merge table with a per-word cache. */
export class BpeModel {
  readonly vocab: ReadonlyMap<string, number>;
  private readonly ranks = new Map<string, number>();
  private readonly suffix: string;
  private readonly unkId: number | undefined;
  private readonly maxCache: number;
  private readonly cache = new Map<string, readonly number[]>();

  constructor(options: BpeModelOptions) {
    this.vocab = options.vocab;
    this.suffix = options.endOfWordSuffix ?? '</w>';
    this.unkId = options.unkId;
    this.maxCache = options.maxCacheEntries ?? 50_000;
    // A duplicated merge keeps its last rank, as the reference's dict(zip(merges, range(n))) does.
    options.merges.forEach((m, rank) => this.ranks.set(m, rank));
  }

  /** Number of distinct words whose merge result is cached. */
  get cacheSize(): number {
    return this.cache.size;
  }

  /** Token ids of one pre-token already mapped to byte symbols (non-empty). */
  encodeWord(symbols: string): readonly number[] {
    const hit = this.cache.get(symbols);
    if (hit) return hit;
    const ids = this.merge(symbols).map((piece) => this.idOf(piece, symbols));
    if (this.cache.size >= this.maxCache) this.cache.clear();
    this.cache.set(symbols, ids);
    return ids;
  }

  /** The merged symbol strings of one word, the last one suffixed. */
  merge(symbols: string): string[] {
    const chars = Array.from(symbols);
    let word = [...chars.slice(0, -1), chars[chars.length - 1] + this.suffix];
    while (word.length > 1) {
      const best = this.bestPair(word);
      if (best === undefined) break;
      word = mergePair(word, best[0], best[1]);
    }
    return word;
  }

  private bestPair(word: readonly string[]): [string, string] | undefined {
    let bestRank = Infinity;
    let best: [string, string] | undefined;
    for (let i = 0; i + 1 < word.length; i++) {
      const rank = this.ranks.get(`${word[i]} ${word[i + 1]}`);
      if (rank !== undefined && rank < bestRank) {
        bestRank = rank;
        best = [word[i]!, word[i + 1]!];
      }
    }
    return best;
  }

  private idOf(piece: string, word: string): number {
    const id = this.vocab.get(piece);
    if (id !== undefined) return id;
    if (this.unkId !== undefined) return this.unkId;
    throw new Error(`BPE: symbol "${piece}" (from word "${word}") is not in the vocab and no unk token is configured`);
  }
}

/** Replaces every non-overlapping (left, right) occurrence, scanning left to right. */
function mergePair(word: readonly string[], left: string, right: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) {
    if (word[i] === left && i + 1 < word.length && word[i + 1] === right) {
      out.push(left + right);
      i++;
    } else {
      out.push(word[i]!);
    }
  }
  return out;
}
