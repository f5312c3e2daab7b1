/**
 * The server's view of the BullMQ queue as ComfyUI's priority queue (`QueueFront`): `number` becomes the BullMQ
 * priority (`priorityOf`), `POST /queue {delete}` removes waiting jobs, `clear` removes every waiting job, and
 * `/queue` lists waiting (`pending`) and active (`running`) jobs. Any Redis failure becomes `QueueUnavailable`.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { parseJson } from '../../protocol/json-codec.js';
import type { QueueEntry, QueueFront } from '../types.js';
import type { TransferOptions } from './file-transfer.js';
import { collectInputs } from './file-transfer.js';
import { entryOf, jobData, priorityOf, type PromptJobData } from './job-data.js';
import { jobIdOf, type RedisKeys } from './keys.js';

export type Guard = <T>(what: string, run: () => Promise<T>) => Promise<T>;

export interface RedisQueueFrontOptions {
  readonly redis: Redis;
  readonly queue: Queue<PromptJobData>;
  readonly keys: RedisKeys;
  readonly guard: Guard;
  /** Signs jobs (workers check the signature). */
  readonly token: string;
  readonly transfer: TransferOptions;
}

const LIVE_STATES = new Set(['waiting', 'prioritized', 'active', 'delayed', 'waiting-children']);

/** `QueueFront` over BullMQ; `remainingNow()` is the last count read. */
export class RedisQueueFront implements QueueFront {
  readonly #listeners = new Set<() => void>();
  #remaining = 0;

  constructor(private readonly o: RedisQueueFrontOptions) {}

  /** The last pending + running count seen (for the WS greeting, which cannot wait). */
  remainingNow(): number {
    return this.#remaining;
  }

  /** Re-reads the count and tells the subscribers (after any change, local or from a worker). */
  async changed(): Promise<void> {
    try {
      await this.remaining();
    } catch {
      // Redis away: keep the last count; the status broadcast still goes out
    }
    for (const l of this.#listeners) l();
  }

  nextNumber(): Promise<number> {
    return this.o.guard('next number', async () => (await this.o.redis.incr(this.o.keys.counter)) - 1);
  }

  async put(entry: QueueEntry): Promise<void> {
    const { queue, transfer, token } = this.o;
    await this.o.guard('queue prompt', async () => {
      const jobId = jobIdOf(entry.promptId);
      const old = await queue.getJob(jobId);
      if (old) {
        if (LIVE_STATES.has(await old.getState())) throw new Error(`prompt id "${entry.promptId}" is already queued`);
        await old.remove(); // a failed job kept for inspection must not block a re-queued id
      }
      const inputs = await collectInputs(transfer, entry.prompt);
      await queue.add('prompt', jobData(entry, inputs, token), { jobId, priority: priorityOf(entry.number), removeOnComplete: true, removeOnFail: 1000 });
    });
    await this.changed();
  }

  #entries(states: ('prioritized' | 'waiting' | 'active')[]): Promise<QueueEntry[]> {
    return this.o.guard('list queue', async () => {
      const jobs = await this.o.queue.getJobs(states);
      return jobs.filter((j) => j?.data).map((j) => entryOf(j.data, parseJson)).sort((a, b) => a.number - b.number);
    });
  }

  pending(): Promise<QueueEntry[]> {
    return this.#entries(['prioritized', 'waiting']);
  }

  running(): Promise<QueueEntry[]> {
    return this.#entries(['active']);
  }

  remaining(): Promise<number> {
    return this.o.guard('count queue', async () => {
      const c = await this.o.queue.getJobCounts('waiting', 'prioritized', 'active');
      this.#remaining = (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.active ?? 0);
      return this.#remaining;
    });
  }

  has(promptId: string): Promise<boolean> {
    return this.o.guard('find prompt', async () => {
      const job = await this.o.queue.getJob(jobIdOf(promptId));
      return job ? LIVE_STATES.has(await job.getState()) : false;
    });
  }

  /** Removes waiting jobs; a job a worker holds (locked) stays. */
  async #remove(jobIds: string[]): Promise<number> {
    let removed = 0;
    for (const id of jobIds) {
      const job = await this.o.queue.getJob(id);
      if (!job || (await job.getState()) === 'active') continue;
      try {
        await job.remove();
        removed++;
      } catch {
        // taken by a worker meanwhile: it runs
      }
    }
    return removed;
  }

  async delete(promptIds: readonly string[]): Promise<number> {
    const n = await this.o.guard('delete prompts', () => this.#remove(promptIds.map(jobIdOf)));
    if (n > 0) await this.changed();
    return n;
  }

  async clear(): Promise<number> {
    const n = await this.o.guard('clear queue', async () => {
      const jobs = await this.o.queue.getJobs(['prioritized', 'waiting']);
      return this.#remove(jobs.filter(Boolean).map((j) => j.id!));
    });
    await this.changed();
    return n;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
