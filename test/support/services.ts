/**
 * Real node services for tests: a temp data dir and a model runtime on CPU (its workers start only when a model
 * is first used, so engine-only tests pay nothing). Call `dispose()` when done.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataDirs } from '../../server/data-dir.js';
import type { NodeServices } from '../../server/engine/node-definition.js';
import { createModelRuntime } from '../../models/onnx/runtime.js';
import { ensureTinyModels } from '../../models/tiny/setup.js';

export interface TestServices extends NodeServices {
  dispose(): Promise<void>;
}

/** Services over `root` (default: a fresh temp dir); `tinyModels` builds the default tiny set into it. */
export function testServices(options: { root?: string; tinyModels?: boolean } = {}): TestServices {
  const dirs = dataDirs(options.root ?? mkdtempSync(path.join(os.tmpdir(), 'pg-svc-')));
  if (options.tinyModels) ensureTinyModels(dirs.models);
  const models = createModelRuntime({ modelsDir: dirs.models, device: 'cpu', log: () => {} });
  return { dirs, models, dispose: () => models.dispose() };
}
