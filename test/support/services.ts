/**
 * Real node services for tests: a temp data dir and a model runtime on CPU (its workers start only when a model
 * is first used, so engine-only tests pay nothing). `testServices` is the bare set for engine tests;
 * `createModelFixture` adds the tiny model set and the tiny SD checkpoint's handles for model tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataDirs, type DataDirs } from '../../server/data-dir.js';
import type { NodeServices } from '../../nodes/services.js';
import { createModelRuntime, type ModelRuntime } from '../../models/runtime/model-runtime.js';
import { checkpointFromManifest, type SdCheckpoint } from '../../models/sd/checkpoint.js';
import { ensureTinyModels, type TinyModelPaths } from '../../models/tiny/setup.js';

/** The CPU model runtime over `dirs.models` that every test uses; `log` defaults to dropping the lines. */
export function cpuModelRuntime(dirs: DataDirs, log: (message: string) => void = () => {}): ModelRuntime {
  return createModelRuntime({ modelsDir: dirs.models, device: 'cpu', log });
}

export interface TestServices extends NodeServices {
  dispose(): Promise<void>;
}

/** Services over `root` (default: a fresh temp dir); `tinyModels` builds the default tiny set into it. */
export function testServices(options: { root?: string; tinyModels?: boolean } = {}): TestServices {
  const dirs = dataDirs(options.root ?? mkdtempSync(path.join(os.tmpdir(), 'pg-svc-')));
  if (options.tinyModels) ensureTinyModels(dirs.models);
  const models = cpuModelRuntime(dirs);
  return { dirs, models, dispose: () => models.dispose() };
}

/** A temp data dir with the tiny model set, a CPU model runtime (real session pool) and the tiny checkpoint. */
export interface ModelFixture {
  readonly dirs: DataDirs;
  readonly tiny: TinyModelPaths;
  readonly models: ModelRuntime;
  /** MODEL / CLIP / VAE handles of `tiny-sd15`. */
  readonly ckpt: SdCheckpoint;
  /** Disposes the runtime and removes the temp dir. */
  close(): Promise<void>;
}

/** Creates the fixture in a fresh temp dir named `<prefix>XXXXXX`; call `close()` in afterAll. */
export function createModelFixture(prefix = 'pg-models-'): ModelFixture {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  const dirs = dataDirs(root);
  const tiny = ensureTinyModels(dirs.models);
  const models = cpuModelRuntime(dirs);
  const ckpt = checkpointFromManifest(models.store.resolveCheckpoint('tiny-sd15'));
  return {
    dirs, tiny, models, ckpt,
    async close() {
      await models.dispose();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
