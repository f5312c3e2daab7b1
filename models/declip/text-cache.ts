/**
 * Text embeddings cached per (model, text), so scoring a batch, or many batches, encodes each prompt
 * ("Good photo.") once. Bounded: the least recently used entries go first.
 */

/** Cache counters, for tests and logs. */
export interface TextCacheStats {
  readonly entries: number;
  readonly hits: number;
  readonly misses: number;
}

/** An LRU map from (model key, text) to an embedding [d]. */
export class TextEmbeddingCache {
  private readonly map = new Map<string, Float32Array>();
  private hits = 0;
  private misses = 0;

  /** @param capacity most entries kept (default 4096; a 1024-d entry is 4 KiB). */
  constructor(private readonly capacity = 4096) {}

  /** The cached embedding, refreshed as most recently used, or undefined. */
  get(modelKey: string, text: string): Float32Array | undefined {
    const key = `${modelKey}\u0000${text}`;
    const hit = this.map.get(key);
    if (!hit) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.map.delete(key);
    this.map.set(key, hit);
    return hit;
  }

  set(modelKey: string, text: string, embedding: Float32Array): void {
    const key = `${modelKey}\u0000${text}`;
    this.map.delete(key);
    this.map.set(key, embedding);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }

  stats(): TextCacheStats {
    return { entries: this.map.size, hits: this.hits, misses: this.misses };
  }
}
