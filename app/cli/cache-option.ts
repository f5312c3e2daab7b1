/**
 * ComfyUI's cache flags, declared once for `serve` and `worker`: `--cache-classic` (the default), `--cache-lru N`
 * and `--cache-none`, at most one of them (ComfyUI's mutually exclusive group). What each keeps: `output-cache.ts`.
 */
import type { CacheConfig } from '../../server/engine/output-cache.js';
import { UsageError } from './usage-error.js';


/** The `parseArgs` options, spread into a command's own. */
export const CACHE_OPTIONS = {
  'cache-classic': { type: 'boolean' },
  'cache-lru': { type: 'string' },
  'cache-none': { type: 'boolean' },
} as const;

/** Usage and help lines. */
export const CACHE_USAGE = '[--cache-classic | --cache-lru N | --cache-none]';
export const CACHE_HELP = `  --cache-classic  keep the results of the latest prompt's nodes and drop the rest when the next one starts (default)
  --cache-lru N  keep up to N node results across prompts, least recently used prompts' first out (0: classic)
  --cache-none   keep no results between prompts, and drop each within a prompt once no node needs it`;

export interface CacheOptionValues {
  readonly 'cache-classic'?: boolean;
  readonly 'cache-lru'?: string;
  readonly 'cache-none'?: boolean;
}

/**
 * The cache the flags ask for. `--cache-lru 0` is classic, as in ComfyUI (its default value is 0).
 * @throws UsageError for more than one flag, or an N that is not a whole number ≥ 0
 */
export function cacheOption(values: CacheOptionValues): CacheConfig {
  const given = (['cache-classic', 'cache-lru', 'cache-none'] as const).filter((k) => values[k] !== undefined && values[k] !== false);
  if (given.length > 1) throw new UsageError(`--${given[0]} and --${given[1]} exclude each other: give one cache mode`);
  if (values['cache-none']) return { mode: 'none' };
  const lru = values['cache-lru'];
  if (lru !== undefined) {
    const size = /^\d+$/.test(lru.trim()) ? Number(lru) : NaN;
    if (!Number.isSafeInteger(size)) throw new UsageError(`--cache-lru takes a whole number of node results, got "${lru}"`);
    if (size > 0) return { mode: 'lru', size };
  }
  return { mode: 'classic' };
}

/** How the start-up log names the cache: `classic`, `lru (N results)`, `none`. */
export function describeCache(config: CacheConfig): string {
  return config.mode === 'lru' ? `lru (${config.size} results)` : config.mode;
}
