/**
 * `--cache-lru N` (ComfyUI's LRUCache): one pool of results by signature, across prompts and scopes. Every prompt
 * is a new generation; a result is marked with the generation that last used it (the prompt has a node with its
 * signature, or looked it up, stored it, or an expansion added such a node). Once more than N are stored, whole
 * generations are evicted, oldest first, but never the running prompt's own (so a prompt of more than N nodes
 * still has all of its results).
 */
import { isUncacheable } from './cache-scope.js';
import type { CacheNode, CachedResult, OutputCache } from './output-cache.js';

export class LruCache implements OutputCache {
  readonly mode = 'lru';
  readonly #entries = new Map<string, CachedResult>();
  /** Signature → the generation that last used it (also for signatures with nothing stored yet). */
  readonly #used = new Map<string, number>();
  #generation = 0;
  /** Results last used before this generation are gone. */
  #minGeneration = 0;

  /** @param maxSize how many results may be stored (≥ 1); only the running prompt's own may go beyond it */
  constructor(readonly maxSize: number) {
    if (!Number.isInteger(maxSize) || maxSize < 1) throw new RangeError(`LRU cache size must be an integer ≥ 1, got ${maxSize}`);
  }

  startPrompt(nodes: readonly CacheNode[]): void {
    this.#generation++;
    // Marks of signatures that never got a result matter only within their own prompt.
    for (const key of this.#used.keys()) if (!this.#entries.has(key)) this.#used.delete(key);
    this.startScope('', nodes);
  }

  startScope(_scope: string, nodes: readonly CacheNode[]): void {
    for (const n of nodes) this.#used.set(n.key, this.#generation);
    this.#evict();
  }

  #evict(): void {
    while (this.#entries.size > this.maxSize && this.#minGeneration < this.#generation) {
      this.#minGeneration++;
      for (const [key, generation] of this.#used) {
        if (generation >= this.#minGeneration) continue;
        this.#used.delete(key);
        this.#entries.delete(key);
      }
    }
  }

  get(_scope: string, key: string): CachedResult | undefined {
    this.#used.set(key, this.#generation);
    return this.#entries.get(key);
  }

  set(_scope: string, key: string, value: CachedResult): void {
    if (isUncacheable(key)) return;
    this.#used.set(key, this.#generation);
    this.#entries.set(key, value);
  }

  clear(): void {
    this.#entries.clear();
    this.#used.clear();
    this.#generation = 0;
    this.#minGeneration = 0;
  }

  get size(): number {
    return this.#entries.size;
  }
}
