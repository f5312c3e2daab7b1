/**
 * Worker heartbeats in `pg:workers` (worker id → JSON): workers write theirs every few seconds and on every
 * take/finish; the server reads them for `/system_stats` devices and the `/models` listings.
 */
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.js';

/** What a worker reports about itself. */
export interface WorkerBeat {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  /** The execution device (its `/system_stats` device entry, e.g. ONNX Runtime provider and memory). */
  readonly device: Record<string, unknown> | null;
  readonly currentPrompt: string | null;
  readonly currentNode: string | null;
  /** ms since the epoch. */
  readonly lastSeen: number;
  /** Its model store: folder kind → names. */
  readonly models: Record<string, string[]>;
}

/** A heartbeat older than this is shown as lost (ms). */
export const WORKER_LOST_MS = 15_000;

export async function writeBeat(redis: Redis, keys: RedisKeys, beat: WorkerBeat): Promise<void> {
  await redis.hset(keys.workers, beat.id, JSON.stringify(beat));
}

export async function removeBeat(redis: Redis, keys: RedisKeys, id: string): Promise<void> {
  await redis.hdel(keys.workers, id);
}

/** Every beat; ones older than an hour are deleted (crashed workers). */
export async function readBeats(redis: Redis, keys: RedisKeys, now = Date.now()): Promise<WorkerBeat[]> {
  const all = await redis.hgetall(keys.workers);
  const beats: WorkerBeat[] = [];
  for (const [id, text] of Object.entries(all)) {
    try {
      const b = JSON.parse(text) as WorkerBeat;
      if (now - b.lastSeen > 3600_000) await redis.hdel(keys.workers, id);
      else beats.push(b);
    } catch {
      await redis.hdel(keys.workers, id);
    }
  }
  return beats.sort((a, b) => a.id.localeCompare(b.id));
}

/** A worker as a `/system_stats` device entry. */
export function deviceEntry(b: WorkerBeat, index: number, now = Date.now()): Record<string, unknown> {
  return {
    name: `worker:${b.id}`,
    type: String(b.device?.type ?? 'cpu'),
    index,
    ...b.device,
    worker_id: b.id,
    host: b.host,
    pid: b.pid,
    current_prompt: b.currentPrompt,
    current_node: b.currentNode,
    last_seen: b.lastSeen,
    alive: now - b.lastSeen < WORKER_LOST_MS,
  };
}

/** The union of the workers' model listings (sorted names per folder). */
export function modelUnion(beats: readonly WorkerBeat[]): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const b of beats) for (const [k, names] of Object.entries(b.models ?? {})) for (const n of names) (out[k] ??= new Set()).add(n);
  return Object.fromEntries(Object.entries(out).map(([k, s]) => [k, [...s].sort()]));
}
