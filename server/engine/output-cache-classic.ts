/**
 * `--cache-classic` (ComfyUI's HierarchicalCache over input signatures): when a prompt starts, results whose
 * signature no node of the prompt has are dropped, and so are the scopes of expansion parents that are no longer
 * in the prompt; when a parent expands, its scope keeps only the results its new nodes can use.
 */
import { childScope, isUncacheable, isUnder, ROOT_SCOPE, scopeBelow } from './cache-scope.js';
import type { CacheNode, CachedResult, OutputCache } from './output-cache.js';

export class ClassicCache implements OutputCache {
  readonly mode = 'classic';
  /** scope → signature → result. */
  readonly #scopes = new Map<string, Map<string, CachedResult>>();

  startPrompt(nodes: readonly CacheNode[]): void {
    this.#keepOnly(ROOT_SCOPE, nodes);
  }

  startScope(scope: string, nodes: readonly CacheNode[]): void {
    this.#keepOnly(scope, nodes);
  }

  /** In `scope`: keeps the results `nodes` have, and the sub-scopes of those of `nodes` that may expand again. */
  #keepOnly(scope: string, nodes: readonly CacheNode[]): void {
    const keys = new Set(nodes.map((n) => n.key));
    const parents = new Set(nodes.map((n) => childScope(scope, n)));
    for (const [s, entries] of this.#scopes) {
      if (s === scope) {
        for (const key of entries.keys()) if (!keys.has(key)) entries.delete(key);
      } else if (isUnder(scope, s) && !parents.has(scopeBelow(scope, s))) {
        this.#scopes.delete(s);
      }
    }
  }

  get(scope: string, key: string): CachedResult | undefined {
    return this.#scopes.get(scope)?.get(key);
  }

  set(scope: string, key: string, value: CachedResult): void {
    if (isUncacheable(key)) return;
    let entries = this.#scopes.get(scope);
    if (!entries) this.#scopes.set(scope, (entries = new Map()));
    entries.set(key, value);
  }

  clear(): void {
    this.#scopes.clear();
  }

  get size(): number {
    let n = 0;
    for (const entries of this.#scopes.values()) n += entries.size;
    return n;
  }
}
