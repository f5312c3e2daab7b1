/**
 * SD sampling overhead per step: one KSampler step (euler, CFG with uncond+cond batched into one UNet call, noise,
 * σ scaling, latent format, progress plumbing) against one raw `session.run` of the same UNet with the same
 * batch-2 feeds, at the small (tiny) and medium UNet stand-ins. Both go through the same session pool and worker
 * thread, so the difference is what `models/sd` + `models/sampling` add. Target: ≤ 3% at the medium size.
 * Also reports s/step for the medium stand-in on the chosen device.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SessionPool } from '../models/onnx/session-pool.js';
import type { Device } from '../models/onnx/providers.js';
import { sdSample } from '../models/sd/sample.js';
import type { Conditioning, SdModel } from '../models/sd/types.js';
import { zeros } from '../models/tensors.js';
import { MEDIUM_UNET_CONFIG, TINY_UNET_CONFIG, buildUnet, type UnetConfig } from '../models/tiny/unet.js';

/** One measured size. */
export interface SdStepFigures {
  readonly size: 'small' | 'medium';
  /** Latent [1, 4, h, w] (the UNet sees batch 2 with CFG). */
  readonly latent: readonly number[];
  readonly provider: string;
  /** Median raw `session.run` time, ms. */
  readonly rawMs: number;
  /** Median over rounds of a whole sdSample run divided by its steps (setup amortised over the steps), ms. */
  readonly stepMs: number;
  /** Median over rounds of step / (mean of the raw calls just before and after) − 1, in percent. */
  readonly overheadPct: number;
  /** Seconds per step (= stepMs / 1000). */
  readonly secondsPerStep: number;
}

/** Options of {@link benchSdStep}. */
export interface SdStepBenchOptions {
  /** Default `cpu`. */
  readonly device?: Device;
  /** Default both. */
  readonly sizes?: readonly ('small' | 'medium')[];
  /** Latent side (64 = a 512² image). Default 64. */
  readonly latentSize?: number;
  readonly log?: (message: string) => void;
}

const SIZES: Record<'small' | 'medium', { unet: UnetConfig; steps: number; rounds: number }> = {
  small: { unet: TINY_UNET_CONFIG, steps: 20, rounds: 5 },
  medium: { unet: MEDIUM_UNET_CONFIG, steps: 3, rounds: 3 },
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** A fixed [1, 77, 768] text conditioning (shared with bench/sd15-its.ts). */
export function conditioning(seed: number): Conditioning {
  const data = new Float32Array(77 * 768);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37 + seed) * 0.5;
  return [{ embeds: { data, dims: [1, 77, 768] } }];
}

async function measure(pool: SessionPool, file: string, size: 'small' | 'medium', side: number): Promise<SdStepFigures> {
  const { steps, rounds } = SIZES[size];
  const model: SdModel = { key: `bench/${size}`, unetPath: file, schedulerConfig: {} };
  const dims = [1, 4, side, side];
  const run = (n: number) =>
    sdSample({
      sessions: pool, model, positive: conditioning(1), negative: conditioning(2), latent: { samples: zeros(dims) },
      seed: 1, steps: n, cfg: 7.5, sampler: 'euler', scheduler: 'normal',
    });
  const session = await pool.get(file);
  const n = 2 * side * side * 4;
  const feeds = {
    sample: { data: new Float32Array(n).fill(0.1), dims: [2, 4, side, side] },
    timestep: { data: Float32Array.of(500), dims: [1] },
    encoder_hidden_states: { data: new Float32Array(2 * 77 * 768).fill(0.01), dims: [2, 77, 768] },
  };
  await run(2); // warm-up: session creation, JIT
  const rawRun = async () => {
    const t = performance.now();
    await session.run(feeds);
    return performance.now() - t;
  };
  // ABBA rounds: raw calls right before and after each sampler run, so load drift on a shared machine hits both.
  const raw: number[] = [];
  const perStep: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const around: number[] = [];
    for (let i = 0; i < steps; i++) around.push(await rawRun());
    const t = performance.now();
    await run(steps);
    const step = (performance.now() - t) / steps;
    for (let i = 0; i < steps; i++) around.push(await rawRun());
    raw.push(...around);
    perStep.push(step);
    ratios.push(step / (around.reduce((a, b) => a + b, 0) / around.length));
  }
  const rawMs = median(raw);
  const stepMs = median(perStep);
  return { size, latent: dims, provider: session.provider, rawMs, stepMs, overheadPct: (median(ratios) - 1) * 100, secondsPerStep: stepMs / 1000 };
}

/** Builds the stand-in UNets into a temp dir, measures each size and cleans up. */
export async function benchSdStep(options: SdStepBenchOptions = {}): Promise<SdStepFigures[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-bench-sd-'));
  const pool = new SessionPool({ device: options.device ?? 'cpu', log: options.log ?? (() => {}) });
  try {
    const out: SdStepFigures[] = [];
    for (const size of options.sizes ?? (['small', 'medium'] as const)) {
      const file = path.join(dir, `unet-${size}.onnx`);
      writeFileSync(file, buildUnet(SIZES[size].unet, 1234));
      out.push(await measure(pool, file, size, options.latentSize ?? 64));
      await pool.release(file);
    }
    return out;
  } finally {
    await pool.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One line per size, for `bench/run.ts`. */
export function formatSdStep(f: SdStepFigures): string {
  return (
    `sd step ${f.size} latent [${f.latent.join(',')}] on ${f.provider}: raw UNet ${f.rawMs.toFixed(1)} ms, sampler step ${f.stepMs.toFixed(1)} ms, ` +
    `overhead ${f.overheadPct.toFixed(2)}%${f.size === 'medium' ? ' (target ≤ 3%)' : ''}; ${f.secondsPerStep.toFixed(3)} s/step`
  );
}
