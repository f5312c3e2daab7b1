/**
 * DP-Adapter costs, each as a ratio against a baseline measured in the same run:
 * 1. Per sampling step: a KSampler run with the DP-Adapter patch (IP-capable UNet, 77+4 tokens, ipadapter_scale)
 *    against the same run on the plain UNet of the same size and seed. The image projection runs once per run
 *    (DPAdapterApply), so it is timed separately and reported as its share of a whole sampling run.
 * 2. Gated generation: the time spent scoring (DeCLIP image encode + eq. 8) as a share of the time spent
 *    generating (sampling + VAE decode), on the tiny model set.
 *
 * Library use: `benchDpAdapter({ size: 'medium' })`; `formatDpAdapter(result)` gives the lines for `bench/run.ts`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadDeclipModel } from '../models/declip/declip-model.js';
import { applyDpAdapter } from '../models/ip-adapter/dp-adapter.js';
import { runGatedGeneration } from '../models/ip-adapter/gated-generation.js';
import { generateImages, scoreImages } from '../models/ip-adapter/gated-sd.js';
import { loadIpAdapterWeights } from '../models/ip-adapter/weights.js';
import type { Device } from '../models/onnx/providers.js';
import { createModelRuntime, type ModelRuntime } from '../models/runtime/model-runtime.js';
import { checkpointFromManifest } from '../models/sd/checkpoint.js';
import { sdSample } from '../models/sd/sample.js';
import type { Conditioning, SdModel } from '../models/sd/types.js';
import { zeros } from '../models/tensors.js';
import { ensureTinyModels, type TinyModelPaths } from '../models/tiny/setup.js';
import { MEDIUM_UNET_CONFIG, SD15_IP, TINY_UNET_CONFIG, buildUnet, type UnetConfig } from '../models/tiny/unet.js';

/** Options of {@link benchDpAdapter}. */
export interface DpAdapterBenchOptions {
  /** UNet stand-in for the per-step ratio: tiny (C 32, 1 block) or medium (C 320, 4 blocks). Default medium. */
  readonly size?: 'tiny' | 'medium';
  /** Latent side (64 = 512²). Default 32. */
  readonly latentSize?: number;
  /** Sampling steps per timed run. Default 4. */
  readonly steps?: number;
  /** Timed runs per side (ABAB order). Default 3. */
  readonly rounds?: number;
  /** Gated generation: tries and images per try. Default 3 × 2. */
  readonly gatedTries?: number;
  readonly gatedBatch?: number;
  /** Default cpu. */
  readonly device?: Device;
}

/** What {@link benchDpAdapter} measured. */
export interface DpAdapterBenchResult {
  readonly size: 'tiny' | 'medium';
  readonly latent: readonly number[];
  readonly provider: string;
  /** Median ms per sampling step, plain UNet and DP-Adapter (IP UNet + patch). */
  readonly plainMsPerStep: number;
  readonly dpMsPerStep: number;
  /** dpMsPerStep / plainMsPerStep. */
  readonly stepRatio: number;
  /** DPAdapterApply: first call (builds the projection graph and session) and a warm call, ms. */
  readonly projectionColdMs: number;
  readonly projectionWarmMs: number;
  /** projectionWarmMs / one DP-Adapter sampling run of `steps` steps. */
  readonly projectionShareOfRun: number;
  /** Gated generation on the tiny set: totals over every try, ms, and scoring as a share of generation. */
  readonly gated: { readonly tries: number; readonly images: number; readonly generateMs: number; readonly scoreMs: number; readonly scoreShare: number };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function conditioning(seed: number): Conditioning {
  const data = new Float32Array(77 * 768);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37 + seed) * 0.5;
  return [{ embeds: { data, dims: [1, 77, 768] } }];
}

function embeds(d: number) {
  const part = (k: number) => ({ data: Float32Array.from({ length: d }, (_, i) => Math.cos(i * 0.11 + k)), dims: [1, d] });
  return { modelKey: 'bench', dim: d, count: 1, raw: part(1), perceptual: part(2), semantic: part(3) };
}

async function time<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const v = await f();
  return [performance.now() - t, v];
}

interface StepSetup {
  readonly rt: ModelRuntime;
  readonly dir: string;
  readonly tiny: TinyModelPaths;
  readonly o: Required<Pick<DpAdapterBenchOptions, 'size' | 'latentSize' | 'steps' | 'rounds'>>;
}

async function measureSteps(s: StepSetup) {
  const config: UnetConfig = s.o.size === 'medium' ? MEDIUM_UNET_CONFIG : TINY_UNET_CONFIG;
  const unetPath = path.join(s.dir, 'unet.onnx');
  const ipUnetPath = path.join(s.dir, 'unet_ip.onnx');
  writeFileSync(unetPath, buildUnet(config, 1234));
  writeFileSync(ipUnetPath, buildUnet({ ...config, ip: SD15_IP }, 1234));
  const plain: SdModel = { key: `bench/${s.o.size}`, unetPath, ipUnetPath, schedulerConfig: {} };
  const adapter = await loadIpAdapterWeights(s.tiny.ipAdapter);
  const apply = () => applyDpAdapter({
    model: plain, adapter, embeds: embeds(adapter.imageEmbedDim), mode: 'perceptual image + semantic text', weight: 0.8, startAt: 0, endAt: 1,
    sessions: s.rt.pool, cacheDir: path.join(s.dir, 'cache'),
  });
  const [projectionColdMs] = await time(apply);
  const [projectionWarmMs, dp] = await time(apply);
  const latent = [1, 4, s.o.latentSize, s.o.latentSize];
  const run = (model: SdModel) => sdSample({
    sessions: s.rt.pool, model, positive: conditioning(1), negative: conditioning(2), latent: { samples: zeros(latent) },
    seed: 1, steps: s.o.steps, cfg: 7.5, sampler: 'euler', scheduler: 'normal',
  });
  await run(plain); // warm-up: sessions, JIT
  await run(dp);
  const plainMs: number[] = [];
  const dpMs: number[] = [];
  for (let r = 0; r < s.o.rounds; r++) {
    plainMs.push((await time(() => run(plain)))[0] / s.o.steps);
    dpMs.push((await time(() => run(dp)))[0] / s.o.steps);
  }
  const provider = (await s.rt.pool.get(ipUnetPath)).provider;
  const plainMsPerStep = median(plainMs);
  const dpMsPerStep = median(dpMs);
  return {
    latent, provider, plainMsPerStep, dpMsPerStep, stepRatio: dpMsPerStep / plainMsPerStep,
    projectionColdMs, projectionWarmMs, projectionShareOfRun: projectionWarmMs / (dpMsPerStep * s.o.steps),
  };
}

async function measureGated(rt: ModelRuntime, dir: string, o: { tries: number; batch: number; steps: number }) {
  const ckpt = checkpointFromManifest(rt.store.resolveCheckpoint('tiny-sd15'));
  const declip = await loadDeclipModel({ pool: rt.pool, store: rt.store, clip: 'tiny-clip', projector: 'tiny-declip.safetensors', graphDir: path.join(dir, 'declip') });
  const sample = {
    sessions: rt.pool, model: ckpt.model, vae: ckpt.vae, positive: conditioning(1), negative: conditioning(2),
    latent: { samples: zeros([o.batch, 4, 64, 64]) }, steps: o.steps, cfg: 7.5, sampler: 'euler', scheduler: 'normal',
  } as const;
  const score = (images: Parameters<typeof scoreImages>[0]['images']) => scoreImages({ declip, images, scorer: 'quality: technical', space: 'perceptual' });
  await score((await time(() => generateImages(sample, 0n)))[1]); // warm-up
  let generateMs = 0;
  let scoreMs = 0;
  await runGatedGeneration({
    seed: 1, threshold: 2, maxTries: o.tries, // 2 > any score: every try runs
    generate: async (seed) => { const [ms, v] = await time(() => generateImages(sample, seed)); generateMs += ms; return v; },
    score: async (images) => { const [ms, v] = await time(() => score(images)); scoreMs += ms; return v; },
  });
  return { tries: o.tries, images: o.tries * o.batch, generateMs, scoreMs, scoreShare: scoreMs / generateMs };
}

/** Builds the stand-ins into a temp dir, measures, and cleans up. */
export async function benchDpAdapter(options: DpAdapterBenchOptions = {}): Promise<DpAdapterBenchResult> {
  const o = { size: options.size ?? 'medium', latentSize: options.latentSize ?? 32, steps: options.steps ?? 4, rounds: options.rounds ?? 3 } as const;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-bench-dp-'));
  const tiny = ensureTinyModels(path.join(dir, 'models'));
  const rt = createModelRuntime({ modelsDir: path.join(dir, 'models'), device: options.device ?? 'cpu', log: () => {} });
  try {
    const steps = await measureSteps({ rt, dir, tiny, o });
    const gated = await measureGated(rt, dir, { tries: options.gatedTries ?? 3, batch: options.gatedBatch ?? 2, steps: 20 });
    return { size: o.size, ...steps, gated };
  } finally {
    await rt.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Lines for `bench/run.ts`. */
export function formatDpAdapter(r: DpAdapterBenchResult): string[] {
  const g = r.gated;
  return [
    `dp-adapter step ${r.size} latent [${r.latent.join(',')}] on ${r.provider}: plain UNet ${r.plainMsPerStep.toFixed(1)} ms/step, ` +
      `DP-Adapter ${r.dpMsPerStep.toFixed(1)} ms/step, ratio ${r.stepRatio.toFixed(3)}×`,
    `dp-adapter projection once per run: ${r.projectionWarmMs.toFixed(1)} ms warm (${r.projectionColdMs.toFixed(0)} ms cold, builds the graph), ` +
      `${(100 * r.projectionShareOfRun).toFixed(2)}% of one sampling run`,
    `gated generation (tiny set, ${g.tries} tries × ${g.images / g.tries} images, 20 steps): generate ${g.generateMs.toFixed(0)} ms, ` +
      `score ${g.scoreMs.toFixed(0)} ms, scoring = ${(100 * g.scoreShare).toFixed(1)}% of generation time`,
  ];
}
