/**
 * Prompt history in Redis with ComfyUI's semantics (oldest first, at most `maxItems`, oldest evicted): a hash of
 * records plus a sorted set that keeps their order. A second record for a prompt id (a re-run after a worker was
 * lost) replaces the first and moves to the end, so a prompt has exactly one record.
 */
import type { Redis } from 'ioredis';
import { parseJson, stringifyJson } from '../../protocol/json-codec.js';
import type { HistoryView } from '../backend.js';
import type { HistoryEntry, HistoryPage } from '../history-store.js';
import type { RedisKeys } from './keys.js';

export interface RedisHistoryOptions {
  readonly redis: Redis;
  readonly keys: RedisKeys;
  /** Maximum records kept (ComfyUI: 10,000). */
  readonly maxItems?: number;
  /** Wraps every call: turns connection failures into `QueueUnavailable`. */
  readonly guard: <T>(what: string, run: () => Promise<T>) => Promise<T>;
}

/** `HistoryView` over Redis. */
export class RedisHistory implements HistoryView {
  readonly #max: number;

  constructor(private readonly o: RedisHistoryOptions) {
    this.#max = o.maxItems ?? 10_000;
  }

  add(promptId: string, entry: HistoryEntry): Promise<void> {
    const { redis, keys } = this.o;
    return this.o.guard('history add', async () => {
      const seq = await redis.incr(keys.historySeq);
      await redis.multi().hset(keys.history, promptId, stringifyJson(entry)).zadd(keys.historyOrder, String(seq), promptId).exec();
      const excess = (await redis.zcard(keys.historyOrder)) - this.#max;
      if (excess > 0) {
        const old = await redis.zrange(keys.historyOrder, "0", String(excess - 1));
        if (old.length > 0) await redis.multi().zrem(keys.historyOrder, ...old).hdel(keys.history, ...old).exec();
      }
    });
  }

  get(promptId: string): Promise<HistoryEntry | undefined> {
    return this.o.guard('history get', async () => {
      const text = await this.o.redis.hget(this.o.keys.history, promptId);
      return text === null ? undefined : (parseJson(text) as HistoryEntry);
    });
  }

  /** ComfyUI's `get_history` paging (see `HistoryStore.list`). */
  list(page: HistoryPage = {}): Promise<Record<string, HistoryEntry>> {
    const { redis, keys } = this.o;
    return this.o.guard('history list', async () => {
      const total = await redis.zcard(keys.historyOrder);
      let offset = page.offset ?? -1;
      if (offset < 0 && page.maxItems !== undefined) offset = total - page.maxItems;
      const start = Math.max(0, offset);
      const end = page.maxItems === undefined ? total : start + Math.max(0, page.maxItems);
      if (end <= start) return {};
      const ids = await redis.zrange(keys.historyOrder, String(start), String(end - 1));
      if (ids.length === 0) return {};
      const texts = await redis.hmget(keys.history, ...ids);
      const out: Record<string, HistoryEntry> = {};
      ids.forEach((id, i) => {
        if (texts[i] !== null && texts[i] !== undefined) out[id] = parseJson(texts[i]!) as HistoryEntry;
      });
      return out;
    });
  }

  delete(promptIds: readonly string[]): Promise<void> {
    if (promptIds.length === 0) return Promise.resolve();
    return this.o.guard('history delete', async () => {
      await this.o.redis.multi().zrem(this.o.keys.historyOrder, ...promptIds).hdel(this.o.keys.history, ...promptIds).exec();
    });
  }

  clear(): Promise<void> {
    return this.o.guard('history clear', async () => {
      await this.o.redis.del(this.o.keys.history, this.o.keys.historyOrder);
    });
  }
}
