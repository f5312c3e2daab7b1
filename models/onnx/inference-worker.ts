/**
 * Main-thread side of one inference worker: request/reply over postMessage, with the worker unref'd while idle so
 * an undisposed pool never keeps the process alive, and every pending request rejected if the worker dies.
 */
import { Worker } from 'node:worker_threads';
import type { TensorMeta, WireTensor } from './tensor-types.js';

/** onnxruntime's log severity for the worker (its native provider-loading errors are noisy below `fatal`). */
export type OrtLogLevel = 'verbose' | 'info' | 'warning' | 'error' | 'fatal';

/** Session options forwarded to `InferenceSession.create` (a plain, cloneable subset). */
export interface WorkerSessionOptions {
  readonly intraOpNumThreads?: number;
  readonly interOpNumThreads?: number;
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'layout' | 'all';
  readonly enableCpuMemArena?: boolean;
  readonly logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
}

/** What `create` returns: the worker-local session id and the model's signature. */
export interface CreatedSession {
  readonly sessionId: number;
  readonly inputs: readonly TensorMeta[];
  readonly outputs: readonly TensorMeta[];
}

interface Pending {
  resolve(value: Record<string, unknown>): void;
  reject(error: Error): void;
}

const WORKER_URL = new URL('./inference-worker.mjs', import.meta.url);

/** One worker thread that holds onnxruntime sessions. */
export class InferenceWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private deadReason: string | undefined;
  /** Sessions created in this worker (the pool balances on it). */
  sessions = 0;

  constructor(options: { logLevel?: OrtLogLevel; lowPriority?: boolean; onExit?: (reason: string) => void } = {}) {
    this.worker = new Worker(WORKER_URL, { workerData: { logLevel: options.logLevel, lowPriority: options.lowPriority } });
    this.worker.unref();
    this.worker.on('message', (msg: { id: number; ok: boolean; message?: string }) => this.settle(msg));
    const die = (reason: string) => {
      if (this.deadReason) return;
      this.deadReason = reason;
      for (const p of this.pending.values()) p.reject(new Error(`inference worker stopped: ${reason}`));
      this.pending.clear();
      options.onExit?.(reason);
    };
    this.worker.on('error', (e) => die(e.message));
    this.worker.on('exit', (code) => die(`exited with code ${code}`));
  }

  /** True once the worker has exited or crashed; its sessions are gone. */
  get dead(): boolean {
    return this.deadReason !== undefined;
  }

  /** Loads a model in the worker. Rejects with onnxruntime's message when the provider or model fails. */
  create(file: string, providers: readonly string[], options: WorkerSessionOptions): Promise<CreatedSession> {
    return this.request({ op: 'create', file, providers, options }) as unknown as Promise<CreatedSession>;
  }

  /**
   * Runs a session. Feeds named in `transfer` have their buffers moved to the worker (detached here); the rest
   * are copied by structured clone.
   */
  async run(sessionId: number, feeds: Record<string, WireTensor>, transfer: ReadonlySet<string>): Promise<Record<string, WireTensor>> {
    const buffers: ArrayBuffer[] = [];
    const posted: Record<string, WireTensor> = {};
    for (const [name, t] of Object.entries(feeds)) {
      const whole = t.data.buffer instanceof ArrayBuffer && t.data.byteOffset === 0 && t.data.byteLength === t.data.buffer.byteLength;
      // Structured clone copies a view's WHOLE buffer, so a slice of a big batch is cut out first (and then moved).
      const data = whole ? t.data : t.data.slice();
      if (!whole || transfer.has(name)) buffers.push(data.buffer as ArrayBuffer);
      posted[name] = { ...t, data };
    }
    const reply = await this.request({ op: 'run', sessionId, feeds: posted }, buffers);
    return reply.outputs as Record<string, WireTensor>;
  }

  /** Releases a session (deferred in the worker until a run in flight on it ends). */
  async release(sessionId: number): Promise<void> {
    if (this.dead) return;
    await this.request({ op: 'release', sessionId });
  }

  /** Stops the thread; pending requests reject. */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  private request(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<Record<string, unknown>> {
    if (this.deadReason) return Promise.reject(new Error(`inference worker stopped: ${this.deadReason}`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Keep the process alive only while something is in flight.
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ id, ...message }, transfer);
    });
  }

  private settle(msg: { id: number; ok: boolean; message?: string }): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (this.pending.size === 0) this.worker.unref();
    if (msg.ok) p.resolve(msg as unknown as Record<string, unknown>);
    else p.reject(new Error(msg.message ?? 'unknown worker error'));
  }
}
