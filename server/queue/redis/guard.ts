/** Turns a Redis connection failure into `QueueUnavailable` (→ 503), leaving other errors as they are. */
import type { Redis } from 'ioredis';
import { QueueUnavailable } from '../backend.js';
import { redact, type RedisTarget } from './redis-url.js';

const CONNECTION_FAILURE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENOTFOUND|Connection is closed|Stream isn't writeable|Command timed out|MaxRetriesPerRequest|connection lost/i;

/** A guard for calls on `redis` (whose status tells whether it is connected). */
export function redisGuard(redis: Redis, target: RedisTarget) {
  return async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (redis.status !== 'ready' || CONNECTION_FAILURE.test(message)) {
        throw new QueueUnavailable(`the queue (Redis ${target.shown}) is unreachable (${what}: ${redact(message, target)}); try again shortly`, { cause: err });
      }
      throw err;
    }
  };
}
