/**
 * The server's reader of `pg:events`: a consumer group with one fixed consumer name, so a restarted server first
 * handles what it had read but not finished (its pending entries), then new ones. Entries are handled one at a
 * time, in stream order, and deleted once handled (`docs/redis-queue.md`).
 */
import type { Redis } from 'ioredis';
import { decodeEvent, type StreamEvent } from './event-stream.js';
import type { RedisKeys } from './keys.js';

export interface EventReaderOptions {
  /** A blocking-kind connection of its own (XREADGROUP BLOCK holds it). */
  readonly redis: Redis;
  readonly keys: RedisKeys;
  readonly handle: (ev: StreamEvent) => Promise<void>;
  readonly log: (message: string) => void;
}

type Entries = [Buffer, Buffer[] | null][];

/** Reads until `stop()`. */
export class EventReader {
  #stopped = false;
  #loop: Promise<void> | null = null;

  constructor(private readonly o: EventReaderOptions) {}

  async start(): Promise<void> {
    const { redis, keys } = this.o;
    try {
      await redis.xgroup('CREATE', keys.events, keys.eventsGroup, '0', 'MKSTREAM');
    } catch (err) {
      if (!String(err).includes('BUSYGROUP')) throw err;
    }
    this.#loop = this.#run();
  }

  async #read(id: string, block: boolean): Promise<Entries> {
    const { redis, keys } = this.o;
    const args: (string | number)[] = ['GROUP', keys.eventsGroup, 'server', 'COUNT', 200];
    if (block) args.push('BLOCK', 1000);
    args.push('STREAMS', keys.events, id);
    // RESP2 answers [[key, entries]]; RESP3 (ioredis 6's default) a map, which arrives flattened as [key, entries].
    const reply = (await redis.callBuffer('XREADGROUP', ...args)) as unknown[] | null;
    if (!reply || reply.length === 0) return [];
    const entries = Buffer.isBuffer(reply[0]) ? reply[1] : (reply[0] as unknown[])[1];
    return Array.isArray(entries) ? (entries as Entries) : [];
  }

  async #run(): Promise<void> {
    let backlog = true; // our own pending entries first (read but not handled before a restart)
    while (!this.#stopped) {
      let entries: Entries;
      try {
        entries = await this.#read(backlog ? '0' : '>', !backlog);
      } catch (err) {
        if (this.#stopped) return;
        this.o.log(`redis events: read failed (${err instanceof Error ? err.message : String(err)}); retrying`);
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (backlog && entries.length === 0) backlog = false;
      for (const [idBuf, fields] of entries) {
        const id = idBuf.toString();
        if (fields) {
          try {
            await this.o.handle(decodeEvent(fields));
          } catch (err) {
            this.o.log(`redis events: entry ${id} not handled: ${err instanceof Error ? err.stack : String(err)}`);
          }
        }
        await this.#done(id);
      }
    }
  }

  async #done(id: string): Promise<void> {
    const { redis, keys } = this.o;
    for (;;) {
      try {
        await redis.multi().xack(keys.events, keys.eventsGroup, id).xdel(keys.events, id).exec();
        return;
      } catch {
        if (this.#stopped) return;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** Stops reading; an entry being handled is finished first (an unfinished one is re-read on the next start). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.o.redis.disconnect();
    await this.#loop?.catch(() => {});
  }
}
