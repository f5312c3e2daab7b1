/**
 * SD1.5 it/s as ComfyUI users quote it (issue 11's GPU check, BENCHMARKS.md "GPU"): one 512² image (latent
 * [1, 4, 64, 64], so the UNet sees batch 2 with CFG), 20 euler steps through the real sampler, on the provider
 * BENCH_PROVIDER names (cuda, webgpu or cpu; default cpu). The checkpoint is SD15_CHECKPOINT when set (a real
 * v1-5-pruned-emaonly.safetensors), else a full-size SD1.5 file with random F16 weights written here and deleted;
 * SD15_ITS_CHANNELS shrinks that file's UNet width for a dry run on a CPU (320 = full size).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { convertLdmCheckpoint } from '../models/ldm/convert.js';
import type { Device } from '../models/onnx/providers.js';
import { SessionPool } from '../models/onnx/session-pool.js';
import { sdSample } from '../models/sd/sample.js';
import type { SdModel } from '../models/sd/types.js';
import { zeros } from '../models/tensors.js';
import { SD15_LDM_CONFIG } from '../models/tiny/ldm-checkpoint.js';
import { writeRandomF16Checkpoint } from './ldm-convert.js';
import { conditioning } from './sd-step.js';

export interface Sd15ItsFigures {
  readonly provider: string;
  readonly checkpoint: string;
  readonly channels: number;
  readonly steps: number;
  readonly seconds: number;
  readonly itPerSecond: number;
  readonly convertSeconds: number;
  readonly sessionSeconds: number;
}

export async function benchSd15Its(steps = 20): Promise<Sd15ItsFigures> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-bench-its-'));
  const device = (process.env.BENCH_PROVIDER ?? 'cpu') as Device;
  const pool = new SessionPool({ device, log: (m) => console.log(`pool: ${m}`) });
  try {
    const channels = Number(process.env.SD15_ITS_CHANNELS ?? 320);
    let checkpoint = process.env.SD15_CHECKPOINT;
    if (!checkpoint) {
      checkpoint = path.join(dir, 'sd15-random-f16.safetensors');
      writeRandomF16Checkpoint(checkpoint, { ...SD15_LDM_CONFIG, unet: { ...SD15_LDM_CONFIG.unet, modelChannels: channels } });
    }
    const t0 = performance.now();
    const c = await convertLdmCheckpoint({ file: checkpoint, cacheDir: path.join(dir, 'cache') });
    const convertSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const session = await pool.get(c.unet.model);
    const sessionSeconds = (performance.now() - t1) / 1000;
    const model: SdModel = { key: 'bench/sd15', unetPath: c.unet.model, schedulerConfig: {} };
    const run = (n: number) =>
      sdSample({ sessions: pool, model, positive: conditioning(1), negative: conditioning(2), latent: { samples: zeros([1, 4, 64, 64]) }, seed: 1, steps: n, cfg: 7.5, sampler: 'euler', scheduler: 'normal' });
    await run(1); // warm-up: first-run allocations and kernel selection
    const t2 = performance.now();
    await run(steps);
    const seconds = (performance.now() - t2) / 1000;
    return { provider: session.provider, checkpoint: process.env.SD15_CHECKPOINT ? checkpoint : `random F16, ${channels} ch`, channels, steps, seconds, itPerSecond: steps / seconds, convertSeconds, sessionSeconds };
  } finally {
    await pool.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
