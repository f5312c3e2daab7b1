/**
 * The queue's data and its interfaces. Routes see `QueueFront` (sync or async answers); `PromptQueue` is the
 * synchronous in-process one (`EmbeddedPromptQueue`, persisted in the data directory); the Redis/BullMQ backend
 * lives in `server/queue/redis/`.
 */
import type { Graph } from '../engine/graph.js';
import type { ApiPrompt } from '../protocol/api-prompt.js';

/** `extra_data` keys that carry credentials: kept in memory only, never persisted, listed or echoed. */
export const SENSITIVE_KEYS = ['auth_token_comfy_org', 'api_key_comfy_org'] as const;

/** Most bytes of `extra_data` (the UI workflow included) a prompt may store in the queue and history: 16 MiB. */
export const MAX_STORED_EXTRA_DATA_BYTES = 16 * 1024 * 1024;

/** One queued prompt. */
export interface QueueEntry {
  /** ComfyUI priority: lower runs first; ties break on `promptId` (string order). */
  readonly number: number;
  readonly promptId: string;
  /** The normalised API prompt (as validation returned it). */
  readonly prompt: ApiPrompt;
  /** `extra_data` without the sensitive keys (includes `client_id`, `extra_pnginfo`, `create_time`). */
  readonly extraData: Readonly<Record<string, unknown>>;
  /** Output node ids to execute (only the ones that validated). */
  readonly outputs: readonly string[];
  /** Removed secrets (`SENSITIVE_KEYS`), memory-only; lost on restart by design. */
  readonly sensitive?: Readonly<Record<string, unknown>>;
  /** The validated graph, memory-only; after a restart the worker validates the prompt again. */
  readonly graph?: Graph;
}

/** ComfyUI's 5-tuple view `[number, prompt_id, prompt, extra_data, outputs_to_execute]` (no secrets). */
export type QueueTuple = [number, string, ApiPrompt, Record<string, unknown>, string[]];

/** The wire view of an entry. */
export function queueTuple(e: QueueEntry): QueueTuple {
  return [e.number, e.promptId, e.prompt, { ...e.extraData }, [...e.outputs]];
}

/** Splits `extra_data` into what may be stored and the secrets that may not. */
export function splitSecrets(extraData: Record<string, unknown>): { kept: Record<string, unknown>; sensitive: Record<string, unknown> } {
  const kept: Record<string, unknown> = {};
  const sensitive: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(extraData)) {
    if ((SENSITIVE_KEYS as readonly string[]).includes(k)) sensitive[k] = v;
    else kept[k] = v;
  }
  return { kept, sensitive };
}

/** A value now or later: the embedded queue answers at once, the Redis one after a round trip. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * The queue as the server's routes see it (`server/queue/backend.ts`): ComfyUI's priority queue, answering
 * synchronously (embedded) or asynchronously (Redis). Routes always `await`.
 */
export interface QueueFront {
  nextNumber(): MaybePromise<number>;
  put(entry: QueueEntry): MaybePromise<void>;
  pending(): MaybePromise<readonly QueueEntry[]>;
  running(): MaybePromise<readonly QueueEntry[]>;
  remaining(): MaybePromise<number>;
  has(promptId: string): MaybePromise<boolean>;
  delete(promptIds: readonly string[]): MaybePromise<number>;
  clear(): MaybePromise<number>;
  /** Called after every change the server can see. Returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
  close(): Promise<void>;
}

/** Where a `PromptWorker` takes prompts from and reports them finished. */
export interface WorkSource {
  take(signal?: AbortSignal): Promise<QueueEntry>;
  finish(promptId: string): MaybePromise<void>;
}

/** A prompt queue with ComfyUI's semantics: a min-heap on (number, promptId), one running set, pending edits. */
export interface PromptQueue extends QueueFront, WorkSource {
  /** Allocates the next automatic priority number (ComfyUI's `server.number`, incremented per request). */
  nextNumber(): number;
  /**
   * Adds a pending prompt. Throws if the prompt id is already pending or running. A big prompt's journal line is
   * written in pieces: it is queued when the returned promise resolves.
   */
  put(entry: QueueEntry): void | Promise<void>;
  /**
   * Waits for the lowest pending entry and moves it to running. Rejects with the signal's reason when aborted.
   */
  take(signal?: AbortSignal): Promise<QueueEntry>;
  /** Removes a running entry once its history is recorded. */
  finish(promptId: string): void;
  /** Pending entries in heap order (ComfyUI returns the raw heap; clients sort by number). */
  pending(): readonly QueueEntry[];
  running(): readonly QueueEntry[];
  /** Pending + running (ComfyUI's `queue_remaining`). */
  remaining(): number;
  /** True if the prompt id is pending or running. */
  has(promptId: string): boolean;
  /** Removes the given pending prompts (running ones are untouched); returns how many were removed. */
  delete(promptIds: readonly string[]): number;
  /** Removes every pending prompt; returns how many were removed. */
  clear(): number;
  /** Called after every change (put, take, finish, delete, clear). Returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Flushes state and releases resources; pending `take`s are rejected. */
  close(): Promise<void>;
}
