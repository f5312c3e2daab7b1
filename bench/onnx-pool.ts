/**
 * Pool vs raw throughput for one model: the same feeds through `SessionPool` (worker thread, casting, message
 * passing, `concurrency` runs kept in flight so host work overlaps inference) and through a plain in-process
 * `session.run` on ready tensors. Also measures the cost of copying vs transferring the feed bytes.
 *
 * Library use: `benchOnnxPool({ modelPath, feeds })`. CLI: `node --import tsx bench/onnx-pool.ts <model.onnx>
 * [--batch 8] [--runs 20] [--provider cpu|webgpu|cuda]` (random feeds sized from the model's inputs).
 */
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { createRawRunner } from '../models/onnx/in-process.js';
import type { WorkerSessionOptions } from '../models/onnx/inference-worker.js';
import type { ExecutionProvider } from '../models/onnx/providers.js';
import { SessionPool } from '../models/onnx/session-pool.js';
import type { HostTensor, TensorMeta } from '../models/onnx/tensor-types.js';

/** Options of {@link benchOnnxPool}. */
export interface OnnxPoolBenchOptions {
  readonly modelPath: string;
  readonly feeds: Record<string, HostTensor>;
  /** Timed runs per side; default 20. */
  readonly runs?: number;
  /** Untimed runs first; default 2. */
  readonly warmup?: number;
  /** Pool runs kept in flight; default 2. */
  readonly concurrency?: number;
  /** Default 'cpu'. 'cuda'/'webgpu' fall back to CPU in the pool (reported in `provider`). */
  readonly provider?: ExecutionProvider;
  readonly sessionOptions?: WorkerSessionOptions;
}

/** Throughput of one side. */
export interface SideResult {
  readonly runsPerSec: number;
  readonly msPerRun: number;
  /** From `get()`/create to the first output, ms (includes session creation). */
  readonly firstResultMs: number;
}

/** Result of {@link benchOnnxPool}. */
export interface OnnxPoolBenchResult {
  readonly model: string;
  readonly provider: string;
  readonly raw: SideResult;
  readonly pool: SideResult;
  /** pool.runsPerSec / raw.runsPerSec (target ≥ 0.9). */
  readonly ratio: number;
  /** Feed bytes per run and the ms to post them through a MessageChannel, copied vs transferred. */
  readonly messaging: { readonly bytes: number; readonly copyMs: number; readonly transferMs: number };
  /** process maxRSS (workers included) after both sides ran, bytes. */
  readonly peakRssBytes: number;
}

async function timeRaw(o: Required<Pick<OnnxPoolBenchOptions, 'runs' | 'warmup'>> & OnnxPoolBenchOptions): Promise<SideResult> {
  const t0 = performance.now();
  const raw = await createRawRunner(o.modelPath, o.feeds, { provider: o.provider, sessionOptions: o.sessionOptions });
  await raw.run();
  const firstResultMs = performance.now() - t0;
  for (let i = 1; i < o.warmup; i++) await raw.run();
  const t1 = performance.now();
  for (let i = 0; i < o.runs; i++) await raw.run();
  const ms = performance.now() - t1;
  await raw.release();
  return { runsPerSec: (1000 * o.runs) / ms, msPerRun: ms / o.runs, firstResultMs };
}

async function timePool(o: Required<Pick<OnnxPoolBenchOptions, 'runs' | 'warmup' | 'concurrency'>> & OnnxPoolBenchOptions) {
  const pool = new SessionPool({ device: o.provider ?? 'cpu', sessionOptions: o.sessionOptions, ortLogLevel: 'fatal', log: () => {} });
  try {
    const t0 = performance.now();
    const session = await pool.get(o.modelPath);
    await session.run(o.feeds);
    const firstResultMs = performance.now() - t0;
    for (let i = 1; i < o.warmup; i++) await session.run(o.feeds);
    let started = 0;
    const lane = async () => {
      while (started < o.runs) {
        started++;
        await session.run(o.feeds);
      }
    };
    const t1 = performance.now();
    await Promise.all(Array.from({ length: o.concurrency }, lane));
    const ms = performance.now() - t1;
    return { side: { runsPerSec: (1000 * o.runs) / ms, msPerRun: ms / o.runs, firstResultMs }, provider: session.provider };
  } finally {
    await pool.dispose();
  }
}

/** Posts `bytes` through a MessageChannel `times` times, copied or transferred; returns ms per post. */
async function messagingCost(bytes: number, times = 20): Promise<{ copyMs: number; transferMs: number }> {
  const { port1, port2 } = new MessageChannel();
  const post = (transfer: boolean) => new Promise<void>((resolve) => {
    const data = new Float32Array(bytes / 4);
    port2.once('message', () => resolve());
    port1.postMessage(data, transfer ? [data.buffer] : []);
  });
  const time = async (transfer: boolean) => {
    const t0 = performance.now();
    for (let i = 0; i < times; i++) await post(transfer);
    return (performance.now() - t0) / times;
  };
  try {
    await time(false);
    return { copyMs: await time(false), transferMs: await time(true) };
  } finally {
    port1.close();
  }
}

/** Runs raw first, then the pool (never both at once: they would share the cores). */
export async function benchOnnxPool(options: OnnxPoolBenchOptions): Promise<OnnxPoolBenchResult> {
  const o = { runs: 20, warmup: 2, concurrency: 2, ...options };
  const raw = await timeRaw(o);
  const pool = await timePool(o);
  const bytes = Object.values(o.feeds).reduce((n, t) => n + t.data.length * 4, 0);
  return {
    model: path.resolve(o.modelPath),
    provider: pool.provider,
    raw,
    pool: pool.side,
    ratio: pool.side.runsPerSec / raw.runsPerSec,
    messaging: { bytes, ...(await messagingCost(bytes)) },
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

/** Random float feeds (ids: small ints) sized from the model's inputs; symbolic dims take `batch` first, then 77/224-ish. */
export function randomFeeds(inputs: readonly TensorMeta[], batch: number): Record<string, HostTensor> {
  const feeds: Record<string, HostTensor> = {};
  for (const m of inputs) {
    const dims = m.shape.map((d, i) => (typeof d === 'number' && d > 0 ? d : i === 0 ? batch : 77));
    const n = dims.reduce((a, b) => a * b, 1);
    const isInt = m.type?.startsWith('int') ?? false;
    feeds[m.name] = { data: Float32Array.from({ length: n }, () => (isInt ? Math.floor(Math.random() * 100) : Math.random() * 2 - 1)), dims };
  }
  return feeds;
}

async function main(argv: string[]): Promise<void> {
  const file = argv[0];
  if (!file) throw new Error('usage: bench/onnx-pool.ts <model.onnx> [--batch 8] [--runs 20] [--provider cpu|webgpu|cuda]');
  const arg = (name: string, def: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : def;
  };
  const provider = arg('provider', 'cpu') as ExecutionProvider;
  const pool = new SessionPool({ device: 'cpu', ortLogLevel: 'fatal' });
  const inputs = (await pool.get(file)).inputs;
  await pool.dispose();
  const feeds = randomFeeds(inputs, Number(arg('batch', '8')));
  const result = await benchOnnxPool({ modelPath: file, feeds, runs: Number(arg('runs', '20')), provider });
  console.log(JSON.stringify(result, null, 2));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
