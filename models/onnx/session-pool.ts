/**
 * The session pool: lazily creates onnxruntime sessions in worker threads, caches them per (file, execution
 * provider), falls back from a failing GPU provider to the next one with one logged reason, and evicts the least
 * recently used idle sessions when a memory budget would be exceeded.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ModelLoadError, ModelRunError } from './errors.js';
import { decodeOutputs, type PreparedFeeds } from './feeds.js';
import { InferenceWorker, type OrtLogLevel, type WorkerSessionOptions } from './inference-worker.js';
import { estimateModelBytes } from './memory.js';
import { ModelSession, type RunOptions, type SessionRunner } from './model-session.js';
import { isProviderUnavailable, providerChain, shortReason, type Device, type ExecutionProvider } from './providers.js';
import { preflightUnavailable } from './provider-preflight.js';
import type { OutputTensor, TensorMeta } from './tensor-types.js';
import { abortable } from '../abortable.js';

/** Pool configuration. */
export interface SessionPoolOptions {
  /** Default device for `get()`; default `auto`. */
  readonly device?: Device;
  /** Evict idle sessions beyond this many bytes (file-size estimate); default unlimited. */
  readonly memoryBudgetBytes?: number;
  /** Worker threads (sessions are spread over them; each run blocks only its worker); default 1. */
  readonly workers?: number;
  /** Where fallback and budget notices go; default `console.warn`. */
  readonly log?: (message: string) => void;
  /** Forwarded to every `InferenceSession.create`. */
  readonly sessionOptions?: WorkerSessionOptions;
  /** onnxruntime's own log level in the workers; default `fatal` (a skipped provider is our one-line notice). */
  readonly ortLogLevel?: OrtLogLevel;
  /** Run the workers and onnxruntime's threads below the event loop's priority (`serve`; models/compute-priority.mjs). */
  readonly lowPriority?: boolean;
  /**
   * Why a provider cannot work here before trying it (no native code runs, so nothing native is printed); default
   * {@link preflightUnavailable} on this machine. Tests pass `() => undefined` to exercise the real failure path.
   */
  readonly preflight?: (provider: ExecutionProvider) => string | undefined;
  /** Notices already logged; default one set per process, so a fallback reason is logged once per process. */
  readonly notices?: Set<string>;
}

/** The process-wide set of logged provider notices (README, "GPU": the reason is logged once). */
const processNotices = new Set<string>();

/** One loaded session, for `/system_stats`. */
export interface SessionInfo {
  readonly file: string;
  readonly provider: ExecutionProvider;
  /** Estimated bytes (model file plus external data). */
  readonly bytes: number;
  readonly runs: number;
  readonly inFlight: number;
  /** Epoch milliseconds of the last use. */
  readonly lastUsed: number;
}

/** Pool state for `/system_stats`. */
export interface PoolStats {
  readonly device: Device;
  /** Provider of the most recently created session; null before any. */
  readonly provider: ExecutionProvider | null;
  readonly sessionsLoaded: number;
  readonly bytesHeld: number;
  /** null when unlimited. */
  readonly budgetBytes: number | null;
  readonly workers: number;
  /** Providers found unusable on this machine, with the reason. */
  readonly unavailable: readonly { provider: ExecutionProvider; reason: string }[];
  readonly sessions: readonly SessionInfo[];
}

interface Entry {
  readonly key: string;
  readonly file: string;
  readonly provider: ExecutionProvider;
  readonly bytes: number;
  readonly worker: InferenceWorker;
  readonly sessionId: number;
  readonly inputs: readonly TensorMeta[];
  readonly outputs: readonly TensorMeta[];
  runs: number;
  inFlight: number;
  lastUsed: number;
}

const keyOf = (file: string, provider: ExecutionProvider) => `${provider}\u0000${file}`;

/** Caches onnxruntime sessions per (file, provider) in worker threads. Call `dispose()` when done. */
export class SessionPool implements SessionRunner {
  private readonly device: Device;
  private readonly budget: number;
  private readonly workerCount: number;
  private readonly log: (message: string) => void;
  private readonly sessionOptions: WorkerSessionOptions;
  private readonly ortLogLevel: OrtLogLevel;
  private readonly lowPriority: boolean;
  private readonly preflight: (provider: ExecutionProvider) => string | undefined;
  private readonly notices: Set<string>;
  /** Map order is recency order: the first entry is the least recently used. */
  private readonly entries = new Map<string, Entry>();
  private readonly creating = new Map<string, Promise<Entry>>();
  /** Model-specific provider failures, by key. */
  private readonly failed = new Map<string, string>();
  private readonly unavailable = new Map<ExecutionProvider, string>();
  private workers: InferenceWorker[] = [];
  private lastProvider: ExecutionProvider | null = null;
  private overBudgetLogged = false;
  private disposed = false;

  constructor(options: SessionPoolOptions = {}) {
    this.device = options.device ?? 'auto';
    this.budget = options.memoryBudgetBytes ?? Infinity;
    this.workerCount = Math.max(1, options.workers ?? 1);
    this.log = options.log ?? ((m) => console.warn(m));
    this.sessionOptions = options.sessionOptions ?? {};
    this.ortLogLevel = options.ortLogLevel ?? 'fatal';
    this.lowPriority = options.lowPriority ?? false;
    this.preflight = options.preflight ?? ((provider) => preflightUnavailable(provider));
    this.notices = options.notices ?? processNotices;
  }

  /**
   * Returns a session for `file`, creating it on the first provider of the device's chain that works.
   * @throws ModelLoadError naming every provider tried and why it failed
   */
  async get(file: string, options: { device?: Device } = {}): Promise<ModelSession> {
    this.assertOpen();
    const abs = path.resolve(file);
    if (!existsSync(abs)) throw new ModelLoadError(abs, [{ provider: 'any', reason: 'file not found' }]);
    const attempts: { provider: string; reason: string }[] = [];
    for (const provider of providerChain(options.device ?? this.device)) {
      const known = this.unavailable.get(provider) ?? this.failed.get(keyOf(abs, provider)) ?? this.checkProvider(provider);
      if (known) {
        attempts.push({ provider, reason: known });
        continue;
      }
      try {
        const e = await this.acquire(abs, provider);
        return new ModelSession(this, e.file, e.provider, e.inputs, e.outputs);
      } catch (err) {
        const reason = shortReason(err instanceof Error ? err.message : String(err));
        attempts.push({ provider, reason });
        if (provider !== 'cpu') this.noteFailure(abs, provider, reason);
      }
    }
    throw new ModelLoadError(abs, attempts);
  }

  /** Releases every session of `file` (all providers). Handles stay valid and reload on their next run. */
  async release(file: string): Promise<void> {
    const abs = path.resolve(file);
    const gone = [...this.entries.values()].filter((e) => e.file === abs);
    await Promise.all(gone.map((e) => this.evict(e)));
  }

  /**
   * Releases every idle session (ComfyUI's `/free` with `unload_models`); busy ones stay. Handles stay valid and
   * reload on their next run, so cached node results that hold a model keep working.
   * @returns how many sessions were released
   */
  async releaseIdle(): Promise<number> {
    const idle = [...this.entries.values()].filter((e) => e.inFlight === 0);
    await Promise.all(idle.map((e) => this.evict(e)));
    return idle.length;
  }

  /** Current provider, sessions and memory, for `/system_stats`. */
  stats(): PoolStats {
    const sessions = [...this.entries.values()].map((e) => ({
      file: e.file, provider: e.provider, bytes: e.bytes, runs: e.runs, inFlight: e.inFlight, lastUsed: e.lastUsed,
    }));
    return {
      device: this.device,
      provider: this.lastProvider,
      sessionsLoaded: sessions.length,
      bytesHeld: this.bytesHeld(),
      budgetBytes: Number.isFinite(this.budget) ? this.budget : null,
      workers: this.workers.filter((w) => !w.dead).length,
      unavailable: [...this.unavailable].map(([provider, reason]) => ({ provider, reason })),
      sessions,
    };
  }

  /** Terminates the workers; every session is gone and later calls throw. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.entries.clear();
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.terminate()));
  }

  /** @internal Runs already-cast feeds; used by ModelSession. */
  async runPrepared(session: ModelSession, prepared: PreparedFeeds, options: RunOptions): Promise<Record<string, OutputTensor>> {
    this.assertOpen();
    const entry = await this.acquire(session.file, session.provider);
    options.signal?.throwIfAborted();
    const transfer = options.transferInputs ? new Set(Object.keys(prepared.feeds)) : prepared.owned;
    const signature = Object.fromEntries(
      Object.entries(prepared.feeds).map(([k, t]) => [k, { dtype: t.type, shape: t.dims }]),
    );
    entry.inFlight++;
    entry.lastUsed = Date.now();
    const running = entry.worker.run(entry.sessionId, prepared.feeds, transfer).finally(() => {
      entry.inFlight--;
      entry.runs++;
    });
    try {
      return decodeOutputs(await abortable(running, options.signal));
    } catch (err) {
      if (options.signal?.aborted) throw err;
      throw new ModelRunError(entry.file, signature, err instanceof Error ? err.message : String(err));
    }
  }

  private async acquire(file: string, provider: ExecutionProvider): Promise<Entry> {
    this.assertOpen();
    const key = keyOf(file, provider);
    const hit = this.entries.get(key);
    if (hit && !hit.worker.dead) {
      this.entries.delete(key); // move to the most recently used end
      this.entries.set(key, hit);
      hit.lastUsed = Date.now();
      return hit;
    }
    if (hit) this.entries.delete(key);
    let pending = this.creating.get(key);
    if (!pending) {
      pending = this.load(file, provider).finally(() => this.creating.delete(key));
      this.creating.set(key, pending);
    }
    return pending;
  }

  private async load(file: string, provider: ExecutionProvider): Promise<Entry> {
    const bytes = estimateModelBytes(file);
    await this.makeRoom(bytes);
    const worker = this.pickWorker();
    worker.sessions++;
    try {
      const created = await worker.create(file, [provider], this.sessionOptions);
      this.assertOpen();
      const entry: Entry = {
        key: keyOf(file, provider), file, provider, bytes, worker, ...created, runs: 0, inFlight: 0, lastUsed: Date.now(),
      };
      this.entries.set(entry.key, entry);
      this.lastProvider = provider;
      return entry;
    } catch (err) {
      worker.sessions--;
      throw err;
    }
  }

  /** Evicts least recently used idle sessions until `incoming` more bytes fit the budget. */
  private async makeRoom(incoming: number): Promise<void> {
    while (this.bytesHeld() + incoming > this.budget) {
      const victim = [...this.entries.values()].find((e) => e.inFlight === 0);
      if (!victim) {
        if (!this.overBudgetLogged) {
          this.log(`[models] memory budget ${this.budget} B exceeded: every loaded session is busy or the model alone is larger`);
          this.overBudgetLogged = true;
        }
        return;
      }
      await this.evict(victim);
    }
  }

  private async evict(entry: Entry): Promise<void> {
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
    entry.worker.sessions--;
    await entry.worker.release(entry.sessionId);
  }

  private bytesHeld(): number {
    let total = 0;
    for (const e of this.entries.values()) total += e.bytes;
    return total;
  }

  private pickWorker(): InferenceWorker {
    this.workers = this.workers.filter((w) => !w.dead);
    if (this.workers.length < this.workerCount) {
      const worker = new InferenceWorker({ logLevel: this.ortLogLevel, lowPriority: this.lowPriority, onExit: () => this.forgetWorker(worker) });
      this.workers.push(worker);
      return worker;
    }
    return this.workers.reduce((a, b) => (b.sessions < a.sessions ? b : a));
  }

  private forgetWorker(worker: InferenceWorker): void {
    for (const [key, e] of this.entries) if (e.worker === worker) this.entries.delete(key);
  }

  /** The preflight reason a GPU provider cannot work here (recorded as unavailable), or undefined. */
  private checkProvider(provider: ExecutionProvider): string | undefined {
    if (provider === 'cpu') return undefined;
    const reason = this.preflight(provider);
    if (reason !== undefined) this.markUnavailable(provider, reason);
    return reason;
  }

  private markUnavailable(provider: ExecutionProvider, reason: string): void {
    this.unavailable.set(provider, reason);
    this.notice(`[models] execution provider ${provider} is unavailable, falling back: ${reason}`);
  }

  /** Logs `message` unless this pool's notice set (by default the process's) has it already. */
  private notice(message: string): void {
    if (this.notices.has(message)) return;
    this.notices.add(message);
    this.log(message);
  }

  /** Logs a GPU provider failure once: per provider when it is unusable here, else per (file, provider). */
  private noteFailure(file: string, provider: ExecutionProvider, reason: string): void {
    if (isProviderUnavailable(reason)) this.markUnavailable(provider, reason);
    else {
      this.failed.set(keyOf(file, provider), reason);
      this.notice(`[models] ${file} failed to load on ${provider}, falling back: ${reason}`);
    }
  }

  private assertOpen(): void {
    if (this.disposed) throw new Error('the session pool was disposed');
  }
}
