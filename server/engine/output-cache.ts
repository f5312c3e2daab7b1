/**
 * The output cache: results keyed by input signature. Entries used by the current prompt are always kept; up to
 * `spare` others survive, least recently used first out (ComfyUI's classic mode is `spare = 0`).
 */
import type { NodeUi } from './node-definition.js';

/** A node's stored result: a list per output slot (ComfyUI stores list outputs and scalar outputs alike). */
export interface CachedResult {
  readonly outputs: readonly (readonly unknown[])[];
  readonly ui?: NodeUi;
}

export class OutputCache {
  readonly #entries = new Map<string, CachedResult>();

  constructor(readonly spare = 32) {}

  get(key: string): CachedResult | undefined {
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
    }
    return hit;
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  set(key: string, value: CachedResult): void {
    if (key.startsWith('nocache:')) return;
    this.#entries.delete(key);
    this.#entries.set(key, value);
  }

  /** Drops the oldest entries not in `keep` until at most `spare` of them remain. */
  prune(keep: ReadonlySet<string>): void {
    let others = 0;
    for (const k of this.#entries.keys()) if (!keep.has(k)) others++;
    for (const k of this.#entries.keys()) {
      if (others <= this.spare) break;
      if (!keep.has(k)) {
        this.#entries.delete(k);
        others--;
      }
    }
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
