/**
 * Shared setup for the SD tests: a temp data dir with the tiny model set, a CPU model runtime (real session pool
 * in a worker thread) and the tiny checkpoint's MODEL / CLIP / VAE handles. Extra stand-in variants are written
 * into the same temp dir on demand.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createModelRuntime, type ModelRuntime } from '../../../models/onnx/runtime.js';
import { checkpointFromManifest, type SdCheckpoint } from '../../../models/sd/checkpoint.js';
import { ensureTinyModels } from '../../../models/tiny/setup.js';
import { writeFileAtomic } from '../../../models/tiny/write-file.js';
import { dataDirs, type DataDirs } from '../../../server/data-dir.js';

export interface SdFixture {
  readonly dirs: DataDirs;
  readonly models: ModelRuntime;
  readonly ckpt: SdCheckpoint;
  /** Writes model bytes to `<root>/variants/<name>` and returns the path. */
  writeVariant(name: string, bytes: Uint8Array): string;
  close(): Promise<void>;
}

/** Creates the fixture; call `close()` in afterAll. */
export function createSdFixture(): SdFixture {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pg-sd-'));
  const dirs = dataDirs(root);
  ensureTinyModels(dirs.models);
  const models = createModelRuntime({ modelsDir: dirs.models, device: 'cpu', log: () => {} });
  const ckpt = checkpointFromManifest(models.store.resolveCheckpoint('tiny-sd15'));
  return {
    dirs,
    models,
    ckpt,
    writeVariant: (name, bytes) => writeFileAtomic(path.join(root, 'variants', name), bytes),
    async close() {
      await models.dispose();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Max |a − b| over two equal-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** A deterministic pseudo-random float tensor in [-1, 1]. */
export function pseudoRandom(n: number, seed = 1): Float32Array {
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

/** Max |a − b| relative to max |b| (latents from the tiny UNet reach the hundreds). */
export function relMaxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(b[i]!));
  return maxAbsDiff(a, b) / (m || 1);
}
