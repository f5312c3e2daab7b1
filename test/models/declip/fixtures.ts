/**
 * Shared fixture for the DeCLIP tests: the tiny model set in a temp data dir, a real session pool and store.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createModelRuntime, type ModelRuntime } from '../../../models/onnx/runtime.js';
import { ensureTinyModels, type TinyModelPaths } from '../../../models/tiny/setup.js';
import { loadDeclipModel, type DeclipModel } from '../../../models/declip/declip-model.js';
import { dataDirs, type DataDirs } from '../../../server/data-dir.js';

/** A temp data dir with the tiny models, a model runtime on CPU, and cleanup. */
export interface DeclipFixture {
  readonly dirs: DataDirs;
  readonly tiny: TinyModelPaths;
  readonly models: ModelRuntime;
  load(clip: string, projector: string, layout?: 'auto' | 'split' | 'full'): Promise<DeclipModel>;
  close(): Promise<void>;
}

/** Builds the fixture (call in beforeAll, `close()` in afterAll). */
export function declipFixture(): DeclipFixture {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-declip-'));
  const dirs = dataDirs(root);
  const tiny = ensureTinyModels(dirs.models);
  const models = createModelRuntime({ modelsDir: dirs.models, device: 'cpu', log: () => {} });
  return {
    dirs,
    tiny,
    models,
    load: (clip, projector, layout = 'auto') =>
      loadDeclipModel({ pool: models.pool, store: models.store, clip, projector, layout, graphDir: dirs.cache }),
    async close() {
      await models.dispose();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A deterministic IMAGE batch [b, h, w, 3] with distinct content per image. */
export function patternImages(b: number, h = 40, w = 56): { data: Float32Array; dims: [number, number, number, number] } {
  const data = new Float32Array(b * h * w * 3);
  for (let i = 0; i < data.length; i++) {
    const img = Math.floor(i / (h * w * 3));
    data[i] = (Math.sin(i * 0.013 * (img + 1)) + 1) / 2;
  }
  return { data, dims: [b, h, w, 3] };
}
