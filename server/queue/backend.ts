/**
 * The queue backend the server runs on: where prompts wait, where history lives and who executes them. Two
 * implementations: the embedded one (`embedded-backend.ts`, one in-process worker, the default) and Redis/BullMQ
 * (`redis/redis-backend.ts`, many worker processes). Routes see only these interfaces and always `await` them.
 */
import type { HistoryEntry, HistoryPage } from './history-store.js';
import type { MessageSink } from './message-sink.js';
import type { RunningPrompt } from './prompt-worker.js';
import type { MaybePromise, QueueFront } from './types.js';

/** Prompt history as the routes and workers use it (ComfyUI's ordered dict of finished prompts). */
export interface HistoryView {
  /** Records a finished prompt; a second record for the same id replaces the first. */
  add(promptId: string, entry: HistoryEntry): MaybePromise<void>;
  get(promptId: string): MaybePromise<HistoryEntry | undefined>;
  list(page?: HistoryPage): MaybePromise<Record<string, HistoryEntry>>;
  delete(promptIds: readonly string[]): MaybePromise<void>;
  clear(): MaybePromise<void>;
}

/**
 * ComfyUI's `/free` body as its prompt worker reads it: `freeMemory` drops the cached results and releases the
 * models; `unloadModels` releases the models only (ComfyUI: `flags.get("unload_models", free_memory)`).
 */
export interface FreeRequest {
  readonly freeMemory?: boolean;
  readonly unloadModels?: boolean;
}

/** What the server can ask of whoever executes prompts: `/interrupt`, `/free`, the WS reconnect frame. */
export interface ExecutorControl {
  /** Interrupts `promptId` where it runs, or (without it) every running prompt. Resolves whether one was running. */
  interrupt(promptId?: string): MaybePromise<boolean>;
  /** ComfyUI's `/free`: every executor does what `request` asks once its running prompt is done (at once when idle). */
  requestFree(request: FreeRequest): MaybePromise<void>;
  /** The prompt of client `sid` that runs now (the embedded worker ignores `sid`: it runs one prompt). */
  current(sid?: string): RunningPrompt | null;
}

/** The hub side a backend delivers to: client messages plus `status` broadcasts. */
export interface ClientSink extends MessageSink {
  broadcastStatus(): void;
}

/** A started-on-demand queue backend. */
export interface QueueBackend {
  readonly queue: QueueFront;
  readonly history: HistoryView;
  readonly executor: ExecutorControl;
  /** Pending + running, answered at once for the WS `status` greeting (Redis: the last value seen). */
  remainingNow(): number;
  /** Starts executing / relaying to `sink`. */
  start(sink: ClientSink): Promise<void>;
  /** Stops executors and releases connections. */
  close(): Promise<void>;
  /** Extra `/system_stats` devices (Redis: one per worker). */
  deviceInfo?(): object[];
  /** `/models` listings (Redis: the union of what the workers reported). */
  modelFolders?(): Record<string, string[]>;
}

/**
 * The backend cannot be reached (Redis down): the API answers 503 instead of hanging, and the client may retry.
 */
export class QueueUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QueueUnavailable';
  }
}
