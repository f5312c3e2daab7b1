/**
 * The worker's `ClientSink`: every message `PromptWorker` routes goes into `pg:events` as it is produced. One
 * connection with an offline queue keeps them in order across a short Redis outage (they are sent on reconnect).
 */
import type { Redis } from 'ioredis';
import type { PreviewImage } from '../../engine/node-definition.js';
import type { ClientSink } from '../backend.js';
import type { PreviewMeta } from '../message-sink.js';
import { encodeEvent, type StreamEvent } from './event-stream.js';
import type { RedisKeys } from './keys.js';

export class EventPublisher implements ClientSink {
  #last: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly log: (message: string) => void,
  ) {}

  /** Appends an event; resolves once Redis has it. Never rejects (failures are logged). */
  push(ev: StreamEvent): Promise<void> {
    const p = this.redis.xadd(this.keys.events, '*', ...encodeEvent(ev)).then(
      () => undefined,
      (err: unknown) => this.log(`worker: event ${ev.kind} lost: ${err instanceof Error ? err.message : String(err)}`),
    );
    this.#last = p;
    return p;
  }

  /** Resolves once everything pushed so far has reached Redis. */
  flushed(): Promise<unknown> {
    return this.#last;
  }

  sendJson(type: string, data: Record<string, unknown>, sid: string | null): void {
    void this.push({ kind: 'json', sid, type, data });
  }

  sendPreview(image: PreviewImage, meta: PreviewMeta, sid: string | null): void {
    void this.push({ kind: 'preview', sid, image, meta });
  }

  sendText(node: string, text: string, sid: string | null): void {
    void this.push({ kind: 'text', sid, node, text });
  }

  broadcastStatus(): void {
    void this.push({ kind: 'status' });
  }
}
