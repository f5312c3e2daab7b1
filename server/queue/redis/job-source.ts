/**
 * A BullMQ worker (concurrency 1) as the `WorkSource` of a `PromptWorker`: each job's processor checks the
 * server's signature, puts the job's input files in place, hands the entry to `take()` and holds the job (BullMQ
 * renews its lock) until `finish()`. A worker that dies stops renewing; BullMQ's stalled-job check moves the job
 * back to waiting and another worker runs it, telling the client with an `execution_restarted` message first.
 */
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { parseJson } from '../../protocol/json-codec.js';
import type { QueueEntry, WorkSource } from '../types.js';
import type { EventPublisher } from './event-publisher.js';
import { fetchInputs, type TransferOptions } from './file-transfer.js';
import { entryOf, verifyJob, type PromptJobData } from './job-data.js';
import type { RedisKeys } from './keys.js';

export interface JobSourceOptions {
  /** A blocking-kind connection for BullMQ (it duplicates it for its blocking reads). */
  readonly connection: Redis;
  readonly keys: RedisKeys;
  readonly token: string;
  readonly transfer: TransferOptions;
  readonly events: EventPublisher;
  readonly workerId: string;
  /** BullMQ lock duration, ms: a dead worker's prompt is re-run after about this long (default 30 s). */
  readonly lockDurationMs?: number;
  /** How often stalled jobs are looked for, ms (default 30 s). */
  readonly stalledIntervalMs?: number;
  /** Called when a prompt is taken or finished (heartbeat). */
  readonly onChange?: () => void;
  readonly log: (message: string) => void;
}

interface Held {
  readonly entry: QueueEntry;
  readonly done: () => void;
}

/** Jobs from BullMQ, one at a time. */
export class JobSource implements WorkSource {
  readonly #ready: Held[] = [];
  readonly #held = new Map<string, Held>();
  #waiter: ((h: Held) => void) | null = null;
  readonly #worker: Worker<PromptJobData>;

  constructor(private readonly o: JobSourceOptions) {
    this.#worker = new Worker<PromptJobData>(o.keys.queueName, (job) => this.#process(job), {
      connection: o.connection,
      prefix: o.keys.bullPrefix,
      concurrency: 1,
      autorun: false,
      lockDuration: o.lockDurationMs ?? 30_000,
      stalledInterval: o.stalledIntervalMs ?? 30_000,
      // A prompt whose workers keep dying is given up after this many re-runs (it then fails in BullMQ).
      maxStalledCount: 10,
      name: o.workerId,
    });
    this.#worker.on('error', (err) => o.log(`worker: BullMQ: ${err.message}`));
    // Counted as done only now: a second `status` so the server's queue_remaining is exact.
    this.#worker.on('completed', () => o.events.broadcastStatus());
  }

  /** Starts fetching jobs. */
  run(): void {
    void this.#worker.run().catch((err: unknown) => this.o.log(`worker: BullMQ stopped: ${String(err)}`));
  }

  async #process(job: Job<PromptJobData>): Promise<void> {
    const { log, events } = this.o;
    if (!verifyJob(job.data, this.o.token)) {
      log(`worker: job ${job.id} is not signed with this worker's token; refusing it`);
      throw new Error('job not signed with the server token');
    }
    const entry = entryOf(job.data, parseJson);
    const sid = typeof entry.extraData.client_id === 'string' ? entry.extraData.client_id : null;
    if (job.attemptsStarted > 1 || job.stalledCounter > 0) {
      log(`worker: prompt ${entry.promptId} is a re-run (attempt ${job.attemptsStarted}): its previous worker was lost`);
      if (sid !== null) {
        events.sendJson('execution_restarted', { prompt_id: entry.promptId, attempt: job.attemptsStarted, reason: 'worker lost', worker: this.o.workerId, timestamp: Date.now() }, sid);
      }
    }
    try {
      await fetchInputs(this.o.transfer, job.data.inputs ?? []);
    } catch (err) {
      // The prompt still runs: the node that needs the file reports the missing file as its execution_error.
      log(`worker: prompt ${entry.promptId}: ${err instanceof Error ? err.message : String(err)}`);
    }
    await new Promise<void>((resolve) => {
      const held: Held = { entry, done: resolve };
      this.#held.set(entry.promptId, held);
      const w = this.#waiter;
      if (w) {
        this.#waiter = null;
        w(held);
      } else this.#ready.push(held);
    });
  }

  take(signal?: AbortSignal): Promise<QueueEntry> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const deliver = (h: Held): QueueEntry => {
      this.o.events.broadcastStatus();
      this.o.onChange?.();
      return h.entry;
    };
    const ready = this.#ready.shift();
    if (ready) return Promise.resolve(deliver(ready));
    return new Promise((resolve, reject) => {
      this.#waiter = (h) => resolve(deliver(h));
      signal?.addEventListener('abort', () => {
        this.#waiter = null;
        reject(signal.reason);
      }, { once: true });
    });
  }

  /** Completes the job once everything the prompt sent has reached Redis (so no event follows completion). */
  async finish(promptId: string): Promise<void> {
    const held = this.#held.get(promptId);
    if (!held) return;
    this.#held.delete(promptId);
    this.o.events.broadcastStatus();
    await this.o.events.flushed();
    held.done();
    this.o.onChange?.();
  }

  /**
   * Stops without completing a held job: its lock lapses and another worker re-runs it (as after a crash).
   */
  async close(): Promise<void> {
    await this.#worker.close(true);
  }
}
