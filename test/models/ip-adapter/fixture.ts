/**
 * Shared setup for the IP-Adapter tests: a temp data dir with the tiny model set, a CPU model runtime (real session
 * pool), the tiny checkpoint, plus independent references: a float64 JS image projection computed straight from the
 * safetensors tensors, and seeded EMBEDS with distinct raw / perceptual / semantic parts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ImageEmbeds } from '../../../models/declip/types.js';
import { createModelRuntime, type ModelRuntime } from '../../../models/onnx/runtime.js';
import { openSafetensors } from '../../../models/safetensors/read.js';
import { checkpointFromManifest, type SdCheckpoint } from '../../../models/sd/checkpoint.js';
import type { FloatTensor } from '../../../models/tensors.js';
import { ensureTinyModels, type TinyModelPaths } from '../../../models/tiny/setup.js';
import { dataDirs, type DataDirs } from '../../../server/data-dir.js';

export interface IpFixture {
  readonly dirs: DataDirs;
  readonly tiny: TinyModelPaths;
  readonly models: ModelRuntime;
  readonly ckpt: SdCheckpoint;
  close(): Promise<void>;
}

/** Creates the fixture; call `close()` in afterAll. */
export function createIpFixture(): IpFixture {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pg-ip-'));
  const dirs = dataDirs(root);
  const tiny = ensureTinyModels(dirs.models);
  const models = createModelRuntime({ modelsDir: dirs.models, device: 'cpu', log: () => {} });
  const ckpt = checkpointFromManifest(models.store.resolveCheckpoint('tiny-sd15'));
  return {
    dirs, tiny, models, ckpt,
    async close() {
      await models.dispose();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Deterministic values in [-1, 1] (xorshift). */
export function pseudoRandom(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 0xffffffff) * 2 - 1;
  }
  return out;
}

/** EMBEDS for one image with three distinct d-wide parts. */
export function makeEmbeds(d = 1024, seed = 7): ImageEmbeds {
  const part = (s: number): FloatTensor => ({ data: pseudoRandom(d, s), dims: [1, d] });
  return { modelKey: 'test-embeds', dim: d, count: 1, raw: part(seed), perceptual: part(seed + 1), semantic: part(seed + 2) };
}

/**
 * The ImageProjModel in float64 JS, from the file's tensors (reference §3.1): y = W·x + b, reshape [tokens, C],
 * LayerNorm(C, eps 1e-5) with the norm's weight and bias. Independent of the code under test.
 */
export async function referenceProjection(file: string, x: Float32Array): Promise<Float32Array> {
  const f = await openSafetensors(file);
  const [w, b, g, beta] = await Promise.all(['proj.weight', 'proj.bias', 'norm.weight', 'norm.bias'].map((k) => f.read(`image_proj.${k}`)));
  await f.close();
  const c = g!.length;
  const n = b!.length;
  const d = x.length;
  const y = new Float64Array(n);
  for (let o = 0; o < n; o++) {
    let s = b![o]!;
    for (let i = 0; i < d; i++) s += w![o * d + i]! * x[i]!;
    y[o] = s;
  }
  const out = new Float32Array(n);
  for (let t = 0; t < n / c; t++) {
    const row = y.subarray(t * c, (t + 1) * c);
    const mean = row.reduce((a, v) => a + v, 0) / c;
    const variance = row.reduce((a, v) => a + (v - mean) ** 2, 0) / c;
    for (let j = 0; j < c; j++) out[t * c + j] = ((row[j]! - mean) / Math.sqrt(variance + 1e-5)) * g![j]! + beta![j]!;
  }
  return out;
}

/** Max |a − b|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Root-mean-square difference. */
export function rmsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s / a.length);
}
