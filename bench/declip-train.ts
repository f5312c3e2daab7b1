/**
 * DeCLIP training throughput: one fused training step (both heads, forward + backward + AdamW) at batch 1024 with
 * d = h = 1024, as GFLOP/s and as a ratio to a plain 1024³ MatMul in onnxruntime measured in the same run (target
 * ≥ 50 %), plus the wall time of one epoch over N cached embeddings (default 100k).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GraphBuilder } from '../models/onnx-builder/graph-builder.js';
import { SessionPool } from '../models/onnx/session-pool.js';
import { ADAMW_GRAPH_DEFAULTS, adamwUpdateTs } from '../models/declip/train/adamw.js';
import { writeGraphFile } from '../models/declip/graph-file.js';
import { trainProjectors } from '../models/declip/train/trainer.js';
import type { EmbeddingSet } from '../models/declip/train/embedding-set.js';

/** Options of {@link benchDeclipTrain}. */
export interface DeclipTrainBenchOptions {
  /** Batch (default 1024). */
  readonly batch?: number;
  /** d = h (default 1024). */
  readonly dim?: number;
  /** Cached embeddings for the epoch timing (default 100 000; 0 skips it). */
  readonly epochImages?: number;
  /** Timed repetitions per measurement (default 5, after one warm-up). */
  readonly reps?: number;
}

/** Figures of {@link benchDeclipTrain}. */
export interface DeclipTrainBench {
  readonly stepMs: number;
  readonly stepGflops: number;
  readonly matmulGflops: number;
  /** stepGflops / matmulGflops. */
  readonly ratio: number;
  /** Seconds for one epoch (steps plus the held-out evaluation of 10 % of the images); NaN when skipped. */
  readonly epochSeconds: number;
  readonly provider: string;
  /** A TS AdamW update over all parameters (both heads), for the graph-vs-TS choice documented in adamw.ts. */
  readonly adamwTsMs: number;
}

/** Multiply-adds ×2 of one step: per head forward 2·B·d·h ×2 (W1, W2) + 2·B²·d (logits); backward twice that. */
export function stepFlops(b: number, d: number, h: number): number {
  const forward = 2 * b * d * h * 2 + 2 * b * b * d;
  const backward = 2 * b * b * d + 3 * 2 * b * d * h; // dU, dW2, dG, dW1
  return 2 * (forward + backward);
}

async function timeRuns(reps: number, run: () => Promise<unknown>): Promise<number> {
  await run();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await run();
  return (performance.now() - t0) / reps;
}

function timeAdamwTs(d: number, reps: number): number {
  const n = 2 * (2 * d * d + d);
  const p = { param: new Float32Array(n), grad: new Float32Array(n).fill(1e-3), m: new Float32Array(n), v: new Float32Array(n) };
  const config = { lr: 1e-5, weightDecay: 0.05, ...ADAMW_GRAPH_DEFAULTS };
  adamwUpdateTs(p, config, 1);
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) adamwUpdateTs(p, config, i + 2);
  return (performance.now() - t0) / reps;
}

function randomSet(n: number, d: number): EmbeddingSet {
  const fill = (len: number) => Float32Array.from({ length: len }, () => Math.random() - 0.5);
  return { dim: d, count: n, views: 1, image: fill(n * d), perceptual: fill(n * d), semantic: fill(n * d), dataHash: 'bench', modelKey: 'bench' };
}

/** Runs the benchmark on the CPU session pool (device `auto` would pick a GPU where present). */
export async function benchDeclipTrain(options: DeclipTrainBenchOptions = {}): Promise<DeclipTrainBench> {
  const b = options.batch ?? 1024, d = options.dim ?? 1024, reps = options.reps ?? 5;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-bench-'));
  const pool = new SessionPool({ device: 'auto', log: () => {} });
  try {
    const mm = new GraphBuilder({ name: 'matmul' });
    mm.output('y', mm.matMul(mm.input('a', 'float32', [d, d]), mm.input('b', 'float32', [d, d])), 'float32', [d, d]);
    const matmul = await pool.get(writeGraphFile(dir, 'matmul', mm.toBytes()));
    const a = { data: Float32Array.from({ length: d * d }, () => Math.random()), dims: [d, d] };
    const matmulMs = await timeRuns(reps, () => matmul.run({ a, b: a }));
    // One epoch of exactly `reps` steps times one step; its first step is the warm-up.
    const data = randomSet(b * (reps + 1), d);
    let stepMs = 0;
    let last = 0;
    await trainProjectors({
      data, pool, graphDir: dir, config: { hiddenDim: d, batchSize: b, epochs: 1, valFraction: 0 },
      onStep: (p) => {
        const now = performance.now();
        if (p.step > 1) stepMs += now - last;
        last = now;
      },
    });
    stepMs /= reps;
    const epochImages = options.epochImages ?? 100_000;
    let epochSeconds = NaN;
    if (epochImages > 0) {
      const t0 = performance.now();
      await trainProjectors({ data: randomSet(epochImages, d), pool, graphDir: dir, config: { hiddenDim: d, batchSize: b, epochs: 1, valFraction: 0.1 } });
      epochSeconds = (performance.now() - t0) / 1000;
    }
    const adamwTsMs = timeAdamwTs(d, reps);
    const stepGflops = stepFlops(b, d, d) / stepMs / 1e6;
    const matmulGflops = (2 * d ** 3) / matmulMs / 1e6;
    return { stepMs, stepGflops, matmulGflops, ratio: stepGflops / matmulGflops, epochSeconds, provider: matmul.provider, adamwTsMs };
  } finally {
    await pool.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
