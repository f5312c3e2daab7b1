/**
 * Runs prompts in a worker thread while the server's thread keeps answering (docs/architecture.md,
 * "Responsiveness"). This is the decision issue 12 asked for: nodes already hand their heavy work to ORT, libvips
 * and the off-thread worker, but what stays in JS (typed-array loops, the allocation of 192 MB tensors and the
 * garbage collection that frees them) still took 20–40 ms at a time from every client. On its own thread it
 * takes nothing from them: a worker has its own heap and its own collector. ComfyUI likewise runs its executor
 * beside the web server.
 *
 * The server's thread keeps its own Engine for `/object_info` and validation (both need the node definitions,
 * neither runs a node); the thread builds a second runtime from the same options and executes. Node packs are
 * therefore imported in both threads. A thread that dies fails its running prompt with an `execution_error`
 * and is started again for the next one; queued prompts are not lost.
 */
import { Worker } from 'node:worker_threads';
import type { Engine } from '../../server/engine/engine.js';
import type { ExecutionEvent, ExecutionOutcome } from '../../server/engine/execution-events.js';
import type { ValidateOptions } from '../../server/engine/validate.js';
import type { EnginePort, ExecuteRequest } from '../../server/queue/engine-port.js';
import { rememberedJsonText, stringifyJson } from '../../server/protocol/json-codec.js';
import type { PoolStats } from '../../models/onnx/session-pool.js';
import { failedOutcome, type EngineThreadConfig, type FromEngineThread, type ToEngineThread } from './protocol.js';

const WORKER_URL = new URL('./engine-thread-worker.mjs', import.meta.url);
/** How long `close` waits for the thread to release its sessions before it is terminated. */
const CLOSE_GRACE_MS = 10_000;

interface Running {
  readonly onEvent?: (event: ExecutionEvent) => void;
  resolve(outcome: ExecutionOutcome): void;
}

/** Preview bytes arrive as a plain Uint8Array; the WS hub writes Buffers. */
function rewrapPreview(event: ExecutionEvent): ExecutionEvent {
  if (event.type !== 'preview' || Buffer.isBuffer(event.image.data)) return event;
  const d = event.image.data;
  return { ...event, image: { ...event.image, data: Buffer.from(d.buffer, d.byteOffset, d.byteLength) } };
}

/** The prompt's text for the thread: its remembered bytes as they are (shared memory), else serialised here. */
function promptTextOf(prompt: object): string | Uint8Array {
  const known = rememberedJsonText(prompt);
  return known === undefined ? stringifyJson(prompt) : known;
}

export class EngineThread implements EnginePort {
  readonly #local: Engine;
  readonly #config: EngineThreadConfig;
  readonly #log: (message: string) => void;
  #worker: Worker | null = null;
  /** Why the thread's runtime could not be built, when it could not. */
  #failed: string | null = null;
  readonly #running = new Map<number, Running>();
  readonly #unloading = new Map<number, () => void>();
  #nextId = 1;
  #stats: PoolStats | null = null;

  /** `local` answers `/object_info` and validation; `config` is what the thread builds its runtime from. */
  constructor(local: Engine, config: EngineThreadConfig, log: (message: string) => void) {
    this.#local = local;
    this.#config = config;
    this.#log = log;
  }

  /** The thread's session pool, as last reported (null before it started). */
  get poolStats(): PoolStats | null {
    return this.#stats;
  }

  objectInfo(only?: string): Record<string, unknown> {
    return this.#local.objectInfo(only);
  }

  validate(prompt: unknown, options?: ValidateOptions) {
    return this.#local.validate(prompt, options);
  }

  execute(request: ExecuteRequest): Promise<ExecutionOutcome> {
    if (this.#failed) return Promise.resolve(this.#fail(request.onEvent, `the engine thread could not start: ${this.#failed}`));
    const worker = this.start();
    const id = this.#nextId++;
    const { signal } = request;
    return new Promise<ExecutionOutcome>((resolve) => {
      const onAbort = () => worker.postMessage({ op: 'abort', id } satisfies ToEngineThread);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#running.set(id, {
        onEvent: request.onEvent,
        resolve: (outcome) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
      });
      const msg: ToEngineThread = {
        op: 'execute',
        id,
        promptId: request.promptId,
        promptText: promptTextOf(request.prompt ?? {}),
        outputs: request.outputs,
        extraData: request.extraData ?? {},
      };
      worker.ref();
      worker.postMessage(msg);
      if (signal?.aborted) onAbort();
    });
  }

  clearCache(): void {
    this.#worker?.postMessage({ op: 'clearCache' } satisfies ToEngineThread);
    this.#local.clearCache();
  }

  async unloadModels(): Promise<void> {
    await this.#local.unloadModels();
    const worker = this.#worker;
    if (!worker) return;
    const id = this.#nextId++;
    await new Promise<void>((resolve) => {
      this.#unloading.set(id, resolve);
      worker.postMessage({ op: 'unloadModels', id } satisfies ToEngineThread);
    });
  }

  /** Lets the thread release its sessions, then stops it. */
  async close(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    this.#worker = null;
    const closed = new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.on('message', (m: FromEngineThread) => m.op === 'closed' && resolve());
    });
    worker.postMessage({ op: 'close' } satisfies ToEngineThread);
    const timer = setTimeout(() => void worker.terminate(), CLOSE_GRACE_MS);
    await closed;
    clearTimeout(timer);
    await worker.terminate();
    // Prompts still waiting (a close in the middle of one) end instead of hanging their callers.
    this.#settleAll('the engine thread was closed');
  }

  /** Starts the thread now (the runtime does, so models load before the first prompt); execute starts it too. */
  start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(WORKER_URL, { workerData: { config: this.#config } });
    this.#worker = worker;
    // Idle, the thread does not keep the process alive (a CLI or test that forgets close() still exits).
    worker.unref();
    worker.on('message', (msg: FromEngineThread) => this.#onMessage(msg));
    const die = (reason: string) => {
      if (this.#worker !== worker) return;
      this.#worker = null;
      this.#log(`engine thread stopped: ${reason}`);
      this.#settleAll(`the engine thread stopped: ${reason}`);
    };
    worker.on('error', (err) => die(err.stack ?? err.message));
    worker.on('exit', (code) => die(`exited with code ${code}`));
    return worker;
  }

  #fail(onEvent: ((event: ExecutionEvent) => void) | undefined, message: string): ExecutionOutcome {
    const outcome = failedOutcome(message, 'EngineThreadStopped');
    onEvent?.({ type: 'execution_error', error: outcome.error });
    return outcome;
  }

  #settleAll(message: string): void {
    for (const r of this.#running.values()) r.resolve(this.#fail(r.onEvent, message));
    this.#running.clear();
    for (const done of this.#unloading.values()) done();
    this.#unloading.clear();
  }

  #onMessage(msg: FromEngineThread): void {
    switch (msg.op) {
      case 'ready':
        this.#stats = msg.stats;
        return;
      case 'failed':
        this.#failed = msg.message;
        this.#log(`engine thread: the runtime could not be built: ${msg.message}`);
        this.#settleAll(`the engine thread could not start: ${msg.message}`);
        return;
      case 'event':
        this.#running.get(msg.id)?.onEvent?.(rewrapPreview(msg.event));
        return;
      case 'done': {
        this.#stats = msg.stats;
        const r = this.#running.get(msg.id);
        this.#running.delete(msg.id);
        if (this.#running.size === 0) this.#worker?.unref();
        r?.resolve(msg.outcome);
        return;
      }
      case 'unloaded':
        this.#stats = msg.stats;
        if (msg.error) this.#log(`engine thread: unloading models failed: ${msg.error}`);
        this.#unloading.get(msg.id)?.();
        this.#unloading.delete(msg.id);
        return;
      case 'log':
        this.#log(msg.message);
        return;
      case 'closed':
        return;
    }
  }
}
