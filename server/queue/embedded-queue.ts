/**
 * The in-process `PromptQueue`, persisted as a journal in the data directory's state folder. After a crash or
 * kill, `open` replays the journal: pending prompts stay pending, and a prompt that was running is queued again
 * (with its original number, so it keeps its place).
 */
import path from 'node:path';
import type { ApiPrompt } from '../protocol/api-prompt.js';
import { z } from 'zod';
import type { JournalFs } from './journal-fs.js';
import { Journal } from './journal.js';
import { MinHeap } from './min-heap.js';
import type { PromptQueue, QueueEntry } from './types.js';

/** What is persisted of an entry: never the secrets or the in-memory graph. */
interface StoredEntry {
  number: number;
  prompt_id: string;
  prompt: ApiPrompt;
  extra_data: Record<string, unknown>;
  outputs: string[];
}

const storedEntrySchema = z.looseObject({
  number: z.union([z.number(), z.bigint()]),
  prompt_id: z.string(),
  prompt: z.record(z.string(), z.unknown()),
  extra_data: z.record(z.string(), z.unknown()),
  outputs: z.array(z.string()),
});
const counter = z.union([z.number(), z.bigint()]);

/** One journal line; anything else is skipped at load with file and line number. */
const queueOpSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('counter'), next: counter }),
  z.object({ op: z.literal('put'), entry: storedEntrySchema, next: counter }),
  z.object({ op: z.literal('take'), id: z.string() }),
  z.object({ op: z.literal('finish'), id: z.string() }),
  z.object({ op: z.literal('delete'), ids: z.array(z.string()) }),
  z.object({ op: z.literal('clear') }),
]) as unknown as z.ZodType<QueueOp>;

type QueueOp =
  | { op: 'counter'; next: number }
  | { op: 'put'; entry: StoredEntry; next: number }
  | { op: 'take'; id: string }
  | { op: 'finish'; id: string }
  | { op: 'delete'; ids: string[] }
  | { op: 'clear' };

export interface EmbeddedQueueOptions {
  /** Directory for `queue.jsonl`; without it the queue lives in memory only. */
  readonly stateDir?: string;
  readonly log?: (message: string) => void;
  /** File operations under the journal (tests inject disk faults). */
  readonly fs?: JournalFs;
}

interface Waiter {
  resolve(e: QueueEntry): void;
  reject(err: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

const before = (a: QueueEntry, b: QueueEntry): boolean =>
  a.number !== b.number ? a.number < b.number : a.promptId < b.promptId;

function toStored(e: QueueEntry): StoredEntry {
  return { number: e.number, prompt_id: e.promptId, prompt: e.prompt, extra_data: { ...e.extraData }, outputs: [...e.outputs] };
}

function fromStored(s: StoredEntry): QueueEntry {
  return { number: Number(s.number), promptId: s.prompt_id, prompt: s.prompt, extraData: s.extra_data, outputs: s.outputs };
}

/** ComfyUI-compatible priority queue (see `PromptQueue`), one journal line per change. */
export class EmbeddedPromptQueue implements PromptQueue {
  readonly #heap = new MinHeap<QueueEntry>(before);
  readonly #running = new Map<string, QueueEntry>();
  readonly #pendingIds = new Set<string>();
  readonly #listeners = new Set<() => void>();
  readonly #waiters: Waiter[] = [];
  readonly #journal: Journal<QueueOp> | undefined;
  /** Ids whose `put` line is being written in pieces: not queued yet, but taken. */
  readonly #putting = new Set<string>();
  #counter = 0;
  #closed = false;

  /** Opens (and replays) the queue stored under `options.stateDir`. */
  static open(options: EmbeddedQueueOptions = {}): EmbeddedPromptQueue {
    return new EmbeddedPromptQueue(options);
  }

  private constructor(private readonly options: EmbeddedQueueOptions) {
    this.#journal = options.stateDir ? new Journal<QueueOp>(path.join(options.stateDir, 'queue.jsonl'), { schema: queueOpSchema, fs: options.fs }) : undefined;
    if (this.#journal) this.#replay(this.#journal);
  }

  #replay(journal: Journal<QueueOp>): void {
    const pending = new Map<string, QueueEntry>();
    const ops = journal.load((bad) => this.options.log?.(`${bad.file}:${bad.lineNo}: skipped: ${bad.reason}`));
    for (const { op } of ops) {
      if (op.op === 'counter') this.#counter = Number(op.next);
      else if (op.op === 'put') {
        pending.set(op.entry.prompt_id, fromStored(op.entry));
        this.#counter = Math.max(this.#counter, Number(op.next));
      } else if (op.op === 'finish') pending.delete(op.id);
      else if (op.op === 'delete') op.ids.forEach((id) => pending.delete(id));
      else if (op.op === 'clear') pending.clear();
      // 'take' needs no action: a prompt taken but never finished was interrupted by the crash and runs again.
    }
    for (const e of pending.values()) this.#push(e);
    this.#compact();
    if (pending.size > 0) this.options.log?.(`queue: restored ${pending.size} prompt(s) from ${journal.file}`);
  }

  #compact(): void {
    const ops: QueueOp[] = [{ op: 'counter', next: this.#counter }];
    for (const e of [...this.#running.values(), ...this.#heap.toArray()]) ops.push({ op: 'put', entry: toStored(e), next: this.#counter });
    for (const id of this.#running.keys()) ops.push({ op: 'take', id });
    try {
      this.#journal?.rewrite(ops);
    } catch (err) {
      // The old journal is intact and still appended to; compaction is tried again at the next change.
      this.options.log?.(`queue: compaction failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Writes `op` before the caller applies it. @throws StateWriteError (disk full): the caller then changes nothing. */
  #record(op: QueueOp): void {
    if (!this.#journal) return;
    this.#journal.append(op);
    if (this.#journal.compactionDue(this.#heap.size + this.#running.size)) this.#compact();
  }

  /** A `take` line is advisory (a prompt never finished runs again either way), so failing to write it is logged. */
  #recordTake(id: string): void {
    try {
      this.#record({ op: 'take', id });
    } catch (err) {
      this.options.log?.(`queue: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  #changed(): void {
    for (const l of this.#listeners) l();
  }

  // The counter is persisted with the next `put` (a number handed to a prompt that then fails validation need
  // not survive a restart).
  nextNumber(): number {
    return this.#counter++;
  }

  #push(entry: QueueEntry): void {
    this.#heap.push(entry);
    this.#pendingIds.add(entry.promptId);
  }

  #pop(): QueueEntry | undefined {
    const e = this.#heap.pop();
    if (e) this.#pendingIds.delete(e.promptId);
    return e;
  }

  #removeWhere(drop: (e: QueueEntry) => boolean): QueueEntry[] {
    const removed = this.#heap.removeWhere(drop);
    for (const e of removed) this.#pendingIds.delete(e.promptId);
    return removed;
  }

  /**
   * Adds a pending prompt once its journal line is written: at once for an ordinary prompt; a big one's line is
   * written in pieces between event-loop turns (issue 19), and the prompt is queued when the returned promise
   * resolves (a failed write rejects with StateWriteError and queues nothing).
   */
  put(entry: QueueEntry): void | Promise<void> {
    if (this.#closed) throw new Error('queue is closed');
    if (this.has(entry.promptId) || this.#putting.has(entry.promptId)) throw new Error(`prompt id "${entry.promptId}" is already queued`);
    if (!this.#journal) return this.#accept(entry);
    const written = this.#journal.appendInPieces({ op: 'put', entry: toStored(entry), next: this.#counter }, () => {
      this.#putting.delete(entry.promptId);
      this.#accepted(entry);
    });
    if (!written) return;
    this.#putting.add(entry.promptId);
    return written.finally(() => this.#putting.delete(entry.promptId));
  }

  #accepted(entry: QueueEntry): void {
    if (this.#journal?.compactionDue(this.#heap.size + this.#running.size)) this.#compact();
    this.#accept(entry);
  }

  #accept(entry: QueueEntry): void {
    const waiter = this.#waiters.shift();
    if (!waiter) {
      this.#push(entry);
      return this.#changed();
    }
    // ComfyUI sends `status` when the prompt is queued and again when the worker takes it.
    this.#deliver(waiter, entry);
    this.#changed();
    this.#changed();
  }

  #deliver(waiter: Waiter, entry: QueueEntry): void {
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
    this.#running.set(entry.promptId, entry);
    this.#recordTake(entry.promptId);
    waiter.resolve(entry);
  }

  take(signal?: AbortSignal): Promise<QueueEntry> {
    if (this.#closed) return Promise.reject(new Error('queue is closed'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const next = this.#pop();
    if (next) {
      this.#running.set(next.promptId, next);
      this.#recordTake(next.promptId);
      this.#changed();
      return Promise.resolve(next);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.#waiters.push(waiter);
    });
  }

  finish(promptId: string): void {
    if (!this.#running.has(promptId)) return;
    this.#record({ op: 'finish', id: promptId });
    this.#running.delete(promptId);
    this.#changed();
  }

  pending(): readonly QueueEntry[] {
    return this.#heap.toArray();
  }

  running(): readonly QueueEntry[] {
    return [...this.#running.values()];
  }

  remaining(): number {
    return this.#heap.size + this.#running.size;
  }

  has(promptId: string): boolean {
    return this.#running.has(promptId) || this.#pendingIds.has(promptId);
  }

  delete(promptIds: readonly string[]): number {
    const ids = new Set(promptIds.filter((id) => this.#pendingIds.has(id)));
    if (ids.size === 0) return 0;
    this.#record({ op: 'delete', ids: [...ids] });
    const removed = this.#removeWhere((e) => ids.has(e.promptId));
    this.#changed();
    return removed.length;
  }

  clear(): number {
    this.#record({ op: 'clear' });
    const removed = this.#removeWhere(() => true);
    this.#changed();
    return removed.length;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const w of this.#waiters.splice(0)) {
      if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
      w.reject(new Error('queue is closed'));
    }
    this.#listeners.clear();
  }
}
