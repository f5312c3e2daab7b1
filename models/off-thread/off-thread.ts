/**
 * Runs a module's exported async function in one shared worker thread (docs/architecture.md, "Responsiveness").
 * Model conversion builds whole graphs, unpacks fp16/bf16 tensors and hashes gigabytes in synchronous steps of
 * tens to hundreds of milliseconds; on the thread that runs the engine each step would stall it (every client, when
 * that is the server's thread), and interrupts would wait. Only these CPU-bound library calls move.
 *
 * Arguments and results must survive structured clone; typed arrays in a result are transferred. An argument
 * object's `signal` is replaced by one the worker owns and aborted from here. Errors come back as the same class
 * (models/off-thread/error-classes.ts) with their fields.
 */
import { Worker } from 'node:worker_threads';
import { ERROR_CLASSES } from './error-classes.js';

const WORKER_URL = new URL('./off-thread-worker.mjs', import.meta.url);

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface ErrorWire {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly props: Record<string, unknown>;
}

/**
 * One worker per lane, so that one kind of work never queues behind another: model conversion (`models`, the
 * default) holds its thread for seconds at a time, a request body's parse plan (`json`) must not wait for that.
 */
export type OffThreadLane = 'models' | 'json';

interface Lane {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
}

const lanes = new Map<OffThreadLane, Lane>();
let lowPriority = false;
let nextId = 1;

/**
 * Whether a worker started from now on runs below the event loop's priority (`serve` turns it on:
 * models/compute-priority.mjs). A running worker keeps what it started with.
 */
export function setOffThreadLowPriority(on: boolean): void {
  lowPriority = on;
}

/** The worker itself failed (it crashed or was stopped), as opposed to the function it ran throwing. */
export class OffThreadWorkerStopped extends Error {
  override readonly name = 'OffThreadWorkerStopped';
}

function rehydrate(e: ErrorWire): Error {
  const cls = ERROR_CLASSES[e.name];
  // A native error (what `util.types.isNativeError` and test matchers look for) of the class, without running
  // the class's constructor: its fields come from the worker's copy.
  const error = Reflect.construct(Error, [e.message], (cls ?? Error) as (new () => Error)) as Error;
  Object.defineProperty(error, 'stack', { value: e.stack ?? `${e.name}: ${e.message}`, writable: true, configurable: true });
  Object.assign(error, e.props);
  if (!cls && e.name !== 'Error') Object.defineProperty(error, 'name', { value: e.name, configurable: true });
  return error;
}

function laneOf(name: OffThreadLane): Lane {
  const running = lanes.get(name);
  if (running) return running;
  const lane: Lane = { worker: new Worker(WORKER_URL, { workerData: { lowPriority } }), pending: new Map() };
  const { worker: w, pending } = lane;
  w.unref();
  w.on('message', (msg: { id: number; ok: boolean; value?: unknown; error?: ErrorWire }) => {
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (pending.size === 0) w.unref();
    if (msg.ok) p.resolve(msg.value);
    else p.reject(rehydrate(msg.error!));
  });
  const die = (reason: string) => {
    if (lanes.get(name) !== lane) return;
    lanes.delete(name);
    for (const p of pending.values()) p.reject(new OffThreadWorkerStopped(`off-thread worker stopped: ${reason}`));
    pending.clear();
  };
  w.on('error', (e) => die(e.message));
  w.on('exit', (code) => die(`exited with code ${code}`));
  lanes.set(name, lane);
  return lane;
}

/** The index of the first argument that is an options object with a `signal`, and that signal. */
function findSignal(args: unknown[]): { index?: number; signal?: AbortSignal } {
  const index = args.findIndex((a) => a !== null && typeof a === 'object' && 'signal' in a && (a as { signal?: unknown }).signal instanceof AbortSignal);
  return index < 0 ? {} : { index, signal: (args[index] as { signal: AbortSignal }).signal };
}

/** Calls `module`'s export `name` with `args` in the lane's worker. */
export function callOffThread<R>(module: URL, name: string, args: unknown[], laneName: OffThreadLane = 'models'): Promise<R> {
  const { index, signal } = findSignal(args);
  signal?.throwIfAborted();
  const wire = args.map((a, i) => {
    if (i !== index) return a;
    const { signal: _dropped, ...rest } = a as Record<string, unknown>;
    return rest;
  });
  const { worker: w, pending } = laneOf(laneName);
  const id = nextId++;
  return new Promise<R>((resolve, reject) => {
    const onAbort = () => w.postMessage({ id, op: 'abort' });
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (f: () => void) => {
      signal?.removeEventListener('abort', onAbort);
      f();
    };
    pending.set(id, {
      resolve: (v) => settle(() => resolve(v as R)),
      // The worker's own abort error says less than the caller's reason.
      reject: (e) => settle(() => reject(signal?.aborted ? signal.reason : e)),
    });
    w.ref();
    w.postMessage({ id, op: 'call', module: module.href, name, args: wire, signalArg: index });
  });
}

/** `fn` (a module export, imported by type only) as a function that runs off-thread, in `lane`. */
export function offThread<F extends (...args: never[]) => unknown>(module: URL, name: string, lane: OffThreadLane = 'models'): (...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>> {
  return (...args: Parameters<F>) => callOffThread<Awaited<ReturnType<F>>>(module, name, args, lane);
}

/** Stops every lane's worker (tests, shutdown); a later call starts a new one. */
export async function stopOffThreadWorker(): Promise<void> {
  const stopping = [...lanes.values()];
  lanes.clear();
  await Promise.all(stopping.map((l) => l.worker.terminate()));
}
