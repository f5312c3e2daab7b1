/**
 * Prompt history: ComfyUI's ordered dict of finished prompts (oldest first, at most 10,000, oldest evicted),
 * persisted as a journal so it survives restarts (ComfyUI loses it).
 */
import path from 'node:path';
import type { NodeUi } from '../engine/node-definition.js';
import { Journal } from './journal.js';
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

export interface HistoryStoreOptions {
  /** Directory for `history.jsonl`; without it the history lives in memory only. */
  readonly stateDir?: string;
  /** Maximum entries kept (ComfyUI: 10,000). */
  readonly maxItems?: number;
  readonly log?: (message: string) => void;
}

/** Paging of `GET /history`: ComfyUI's `max_items` and `offset` (negative offset = not given). */
export interface HistoryPage {
  readonly maxItems?: number;
  readonly offset?: number;
}

/** Ordered, bounded, persisted prompt history. */
export class HistoryStore {
  readonly #entries = new Map<string, HistoryEntry>();
  readonly #journal: Journal<HistoryOp> | undefined;
  readonly #max: number;

  constructor(options: HistoryStoreOptions = {}) {
    this.#max = options.maxItems ?? 10_000;
    this.#journal = options.stateDir ? new Journal<HistoryOp>(path.join(options.stateDir, 'history.jsonl')) : undefined;
    if (!this.#journal) return;
    for (const op of this.#journal.load((line, err) => options.log?.(`history journal line ${line} skipped: ${String(err)}`))) {
      this.#apply(op);
    }
    this.#compact();
  }

  #apply(op: HistoryOp): void {
    if (op.op === 'add') {
      this.#entries.delete(op.id);
      this.#entries.set(op.id, op.entry);
      while (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!);
    } else if (op.op === 'delete') op.ids.forEach((id) => this.#entries.delete(id));
    else this.#entries.clear();
  }

  #record(op: HistoryOp): void {
    this.#apply(op);
    if (!this.#journal) return;
    this.#journal.append(op);
    if (this.#journal.appendedSinceRewrite > 1000 + 2 * this.#entries.size) this.#compact();
  }

  #compact(): void {
    this.#journal?.rewrite([...this.#entries].map(([id, entry]) => ({ op: 'add', id, entry })));
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Records a finished prompt (replacing an older record with the same id, which moves to the end). */
  add(promptId: string, entry: HistoryEntry): void {
    this.#record({ op: 'add', id: promptId, entry });
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
