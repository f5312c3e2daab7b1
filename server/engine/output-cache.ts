/**
 * The output cache: node results kept between prompts, keyed by input signature (`signature.ts`). Three modes, as
 * ComfyUI's `--cache-classic` (default), `--cache-lru N` and `--cache-none` (comfy_execution/caching.py; the
 * semantics are spelled out in docs/architecture.md, "Cache modes"):
 * - classic keeps what the latest prompt's nodes have (by signature) and drops everything else when a prompt starts;
 * - lru keeps up to N results across prompts, evicting those last used in the oldest prompts first;
 * - none keeps nothing between prompts (the executor also drops a result within the prompt once no node needs it).
 *
 * Results of nodes that an expansion added live in a scope under their parent (ComfyUI's subcaches), so classic
 * keeps them while the parent is part of the prompt, and drops them when the parent expands into something else.
 */
import type { NodeUi } from './node-definition.js';
export { ROOT_SCOPE, childScope } from './cache-scope.js';
import { ClassicCache } from './output-cache-classic.js';
import { LruCache } from './output-cache-lru.js';

/** A node's stored result: a list per output slot (ComfyUI stores list outputs and scalar outputs alike). */
export interface CachedResult {
  readonly outputs: readonly (readonly unknown[])[];
  readonly ui?: NodeUi;
}

/** Which cache the engine keeps; serialisable, so the CLI parses it once and passes it on. */
export type CacheConfig =
  | { readonly mode: 'classic' }
  /** `size`: how many node results may be stored (≥ 1); the running prompt's own are never evicted. */
  | { readonly mode: 'lru'; readonly size: number }
  | { readonly mode: 'none' };

export type CacheMode = CacheConfig['mode'];

/** ComfyUI's default. */
export const DEFAULT_CACHE_CONFIG = { mode: 'classic' } as const satisfies CacheConfig;

/** A node as the cache sees it when a prompt or an expansion starts. */
export interface CacheNode {
  readonly id: string;
  readonly classType: string;
  /** Its input signature (`computeSignatures`). */
  readonly key: string;
}

/** What every mode implements; one contract test covers all of them (test/server/engine/output-cache.test.ts). */
export interface OutputCache {
  readonly mode: CacheMode;
  /** A prompt starts; `nodes` are all of its nodes (scope `ROOT_SCOPE`). Drops what the mode no longer keeps. */
  startPrompt(nodes: readonly CacheNode[]): void;
  /** An expansion added `nodes` in `scope` (`childScope` of their parent) while the prompt runs. */
  startScope(scope: string, nodes: readonly CacheNode[]): void;
  get(scope: string, key: string): CachedResult | undefined;
  set(scope: string, key: string, value: CachedResult): void;
  /** Forgets everything (ComfyUI's `/free` with `free_memory`). */
  clear(): void;
  /** Stored results. */
  readonly size: number;
}

/** `--cache-none`: nothing survives a prompt. */
class NullCache implements OutputCache {
  readonly mode = 'none';
  readonly size = 0;
  startPrompt(): void {}
  startScope(): void {}
  get(): undefined {
    return undefined;
  }
  set(): void {}
  clear(): void {}
}

/** The cache for `config`. */
export function createOutputCache(config: CacheConfig = DEFAULT_CACHE_CONFIG): OutputCache {
  switch (config.mode) {
    case 'classic':
      return new ClassicCache();
    case 'lru':
      return new LruCache(config.size);
    case 'none':
      return new NullCache();
  }
}
