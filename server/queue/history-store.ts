/**
 * Prompt history: ComfyUI's ordered dict of finished prompts (oldest first, at most 10,000, oldest evicted),
 * persisted as a journal so it survives restarts (ComfyUI loses it).
 */
import path from 'node:path';
import type { NodeUi } from '../engine/node-definition.js';
import { z } from 'zod';
import type { JournalFs } from './journal-fs.js';
import { Journal } from './journal.js';
import { stringifyJson } from '../protocol/json-codec.js';
import type { QueueTuple } from './types.js';

/** `[event, data]` pairs of execution_start / _cached / _success / _error / _interrupted, as sent over WS. */
export type HistoryMessage = [string, Record<string, unknown>];

/** One history record, exactly ComfyUI's wire shape (docs/comfyui-protocol.md). */
export interface HistoryEntry {
  prompt: QueueTuple;
  outputs: Record<string, NodeUi>;
  status: { status_str: 'success' | 'error'; completed: boolean; messages: HistoryMessage[] };
  meta: Record<string, { node_id: string; display_node: string; parent_node: string | null; real_node_id: string }>;
}

type HistoryOp =
  | { op: 'add'; id: string; entry: HistoryEntry }
  | { op: 'delete'; ids: string[] }
  | { op: 'clear' };

const entrySchema = z.looseObject({
  prompt: z.array(z.unknown()).min(5),
  outputs: z.record(z.string(), z.unknown()),
  status: z.looseObject({ status_str: z.string(), completed: z.boolean(), messages: z.array(z.unknown()) }),
  meta: z.record(z.string(), z.unknown()).optional(),
});

/** One journal line; anything else is skipped at load with file and line number. */
const historyOpSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add'), id: z.string(), entry: entrySchema }),
  z.object({ op: z.literal('delete'), ids: z.array(z.string()) }),
  z.object({ op: z.literal('clear') }),
]) as unknown as z.ZodType<HistoryOp>;

/** Default bound on the stored size of all entries together (their journal lines), beside the count bound. */
export const DEFAULT_HISTORY_MAX_BYTES = 1024 * 1024 * 1024;

export interface HistoryStoreOptions {
  /** Directory for `history.jsonl`; without it the history lives in memory only. */
  readonly stateDir?: string;
  /** Maximum entries kept (ComfyUI: 10,000). */
  readonly maxItems?: number;
  /** Maximum stored bytes of all entries (default 1 GiB); the oldest go first, as for `maxItems`. */
  readonly maxBytes?: number;
  readonly log?: (message: string) => void;
  /** File operations under the journal (tests inject disk faults). */
  readonly fs?: JournalFs;
}

/** Paging of `GET /history`: ComfyUI's `max_items` and `offset` (negative offset = not given). */
export interface HistoryPage {
  readonly maxItems?: number;
  readonly offset?: number;
}

/** Ordered, bounded, persisted prompt history. */
export class HistoryStore {
  readonly #entries = new Map<string, HistoryEntry>();
  /** Journal-line size of each entry, and their sum (the byte bound). */
  readonly #bytes = new Map<string, number>();
  #totalBytes = 0;
  readonly #journal: Journal<HistoryOp> | undefined;
  readonly #max: number;
  readonly #maxBytes: number;
  readonly #log: (message: string) => void;

  constructor(options: HistoryStoreOptions = {}) {
    this.#max = options.maxItems ?? 10_000;
    this.#maxBytes = options.maxBytes ?? DEFAULT_HISTORY_MAX_BYTES;
    this.#log = options.log ?? (() => undefined);
    this.#journal = options.stateDir
      ? new Journal<HistoryOp>(path.join(options.stateDir, 'history.jsonl'), { schema: historyOpSchema, fs: options.fs })
      : undefined;
    if (!this.#journal) return;
    let badLines = 0;
    const ops = this.#journal.load((bad) => (badLines++, this.#log(`${bad.file}:${bad.lineNo}: skipped: ${bad.reason}`)));
    for (const { op, bytes } of ops) this.#apply(op, bytes);
    // Rewrite only when the file holds more than the live entries: start-up stays one read of the file.
    if (badLines > 0 || ops.length > this.#entries.size) this.#compact();
  }

  #remove(id: string): void {
    this.#entries.delete(id);
    this.#totalBytes -= this.#bytes.get(id) ?? 0;
    this.#bytes.delete(id);
  }

  #apply(op: HistoryOp, bytes: number): void {
    if (op.op === 'add') {
      this.#remove(op.id);
      this.#entries.set(op.id, op.entry);
      this.#bytes.set(op.id, bytes);
      this.#totalBytes += bytes;
      while (this.#entries.size > this.#max || (this.#totalBytes > this.#maxBytes && this.#entries.size > 1)) {
        this.#remove(this.#entries.keys().next().value!);
      }
    } else if (op.op === 'delete') op.ids.forEach((id) => this.#remove(id));
    else {
      this.#entries.clear();
      this.#bytes.clear();
      this.#totalBytes = 0;
    }
  }

  /** Writes, then applies: a change that could not be written (StateWriteError, disk full) changes nothing. */
  #record(op: HistoryOp): void {
    const bytes = this.#journal ? this.#journal.append(op) : op.op === 'add' ? stringifyJson(op).length : 0;
    this.#applied(op, bytes);
  }

  #applied(op: HistoryOp, bytes: number): void {
    this.#apply(op, bytes);
    if (this.#journal?.compactionDue(this.#entries.size)) this.#compact();
  }

  #compact(): void {
    try {
      this.#journal?.rewrite([...this.#entries].map(([id, entry]) => ({ op: 'add', id, entry })));
    } catch (err) {
      // The old journal is intact and still appended to; compaction is tried again at the next change.
      this.#log(`history: compaction failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * Records a finished prompt (replacing an older record with the same id, which moves to the end). A big
   * prompt's line is written in pieces between event-loop turns (issue 19): it is recorded when the returned
   * promise resolves; a failed write rejects with StateWriteError and records nothing.
   */
  add(promptId: string, entry: HistoryEntry): void | Promise<void> {
    const op: HistoryOp = { op: 'add', id: promptId, entry };
    if (!this.#journal) return this.#record(op);
    return this.#journal.appendInPieces(op, (bytes) => this.#applied(op, bytes));
  }

  get(promptId: string): HistoryEntry | undefined {
    return this.#entries.get(promptId);
  }

  /**
   * ComfyUI's `get_history`: oldest first; `offset` is an index into that order; with `maxItems` and no offset
   * the last `maxItems` entries are returned.
   */
  list(page: HistoryPage = {}): Record<string, HistoryEntry> {
    const all = [...this.#entries];
    let offset = page.offset ?? -1;
    if (offset < 0 && page.maxItems !== undefined) offset = all.length - page.maxItems;
    const start = Math.max(0, offset);
    const end = page.maxItems === undefined ? all.length : start + Math.max(0, page.maxItems);
    return Object.fromEntries(all.slice(start, end));
  }

  delete(promptIds: readonly string[]): void {
    this.#record({ op: 'delete', ids: [...promptIds] });
  }

  clear(): void {
    this.#record({ op: 'clear' });
  }
}
