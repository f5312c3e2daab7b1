/**
 * ioredis connections for the queue backend, with retry-with-backoff that says so in the log. Two kinds:
 * `command` connections fail fast while Redis is away (no offline queue, a command timeout), so the API can
 * answer 503 instead of hanging; `blocking` ones (stream reads, BullMQ workers) wait and resume on reconnect.
 */
import { Redis } from 'ioredis';
import { redact, type RedisTarget } from './redis-url.js';

export interface ConnectionOptions {
  readonly kind: 'command' | 'blocking';
  /** Shown in log lines ("server events", "worker jobs"...). */
  readonly role: string;
  readonly log: (message: string) => void;
}

/** Reconnect delay after the n-th failed attempt, ms: 100, 200, 400... up to 5 s. */
export function backoffMs(attempt: number): number {
  return Math.min(5000, 100 * 2 ** Math.min(attempt - 1, 6));
}

/** A connection that is not yet connected (`connectOrFail` connects it). */
export function createConnection(target: RedisTarget, options: ConnectionOptions): Redis {
  const { log, role } = options;
  let lost = false;
  let everReady = false; // before the first connection `connectOrFail` reports, not the retry log
  const redis = new Redis({
    ...target.options,
    lazyConnect: true,
    maxRetriesPerRequest: options.kind === 'blocking' ? null : 1,
    enableOfflineQueue: options.kind === 'blocking',
    commandTimeout: options.kind === 'command' ? 5000 : undefined,
    connectionName: `perceptgraph:${role.replace(/\s+/g, '-')}`,
    retryStrategy(attempt) {
      const delay = backoffMs(attempt);
      if (everReady && (attempt === 1 || attempt % 10 === 0)) log(`redis ${target.shown} (${role}): connection lost, retrying with backoff (next in ${delay} ms, attempt ${attempt})`);
      lost = true;
      return delay;
    },
  });
  redis.on('error', () => {}); // reported by retryStrategy; without a listener ioredis prints every failure
  redis.on('ready', () => {
    if (lost && everReady) log(`redis ${target.shown} (${role}): reconnected`);
    lost = false;
    everReady = true;
  });
  return redis;
}

/** Connects, or throws a clear error naming the (redacted) URL within `timeoutMs`. */
export async function connectOrFail(redis: Redis, target: RedisTarget, timeoutMs = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let cause: Error | undefined;
  const onError = (err: Error) => (cause ??= err);
  redis.on('error', onError);
  try {
    await Promise.race([
      redis.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    const why = (cause ?? (err instanceof Error ? err : new Error(String(err)))).message;
    throw new Error(`cannot reach Redis at ${target.shown}: ${redact(why, target)}`);
  } finally {
    clearTimeout(timer);
    redis.off('error', onError);
  }
}
