/**
 * The model runtime that nodes reach through `ctx.services.models`: the session pool (inference in worker threads)
 * and the model store (what is in `<data>/models`).
 */
import type { ExtraModelFolder } from '../store/extra-model-paths.js';
import { ModelStore } from '../store/model-store.js';
import type { Device } from '../onnx/providers.js';
import { SessionPool, type SessionPoolOptions } from '../onnx/session-pool.js';

/** Pool plus store. One per server process (or CLI run). */
export interface ModelRuntime {
  readonly pool: SessionPool;
  readonly store: ModelStore;
  /** Stops the inference workers. */
  dispose(): Promise<void>;
}


/** Options of {@link createModelRuntime}. */
export interface ModelRuntimeOptions extends Omit<SessionPoolOptions, 'device' | 'memoryBudgetBytes'> {
  /** `<data>/models` (DataDirs.models). */
  readonly modelsDir: string;
  /** `--device`; default `auto` (CUDA, then WebGPU, then CPU). */
  readonly device?: Device;
  /** Evict idle sessions beyond this many bytes; default unlimited. */
  readonly memoryBudgetBytes?: number;
  /** More model folders (`--extra-model-paths`); see ModelStoreOptions.extraFolders. */
  readonly extraModelFolders?: readonly ExtraModelFolder[];
}

/** Creates the pool and store. Nothing is loaded until a model is first used. */
export function createModelRuntime(options: ModelRuntimeOptions): ModelRuntime {
  const { modelsDir, extraModelFolders, ...poolOptions } = options;
  const pool = new SessionPool(poolOptions);
  const store = new ModelStore({ modelsDir, extraFolders: extraModelFolders });
  return { pool, store, dispose: () => pool.dispose() };
}
