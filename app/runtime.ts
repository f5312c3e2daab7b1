/**
 * Assembles what the server and the CLI share: the data directory, the tiny default models, the model runtime
 * (session pool + store), the node registry and the engine.
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { dataDirs, type DataDirs } from '../server/data-dir.js';
import { Engine } from '../server/engine/engine.js';
import type { CacheConfig } from '../server/engine/output-cache.js';
import type { NodeServices } from '../nodes/services.js';
import { defaultRegistry } from './node-packs.js';
import { loadCustomNodePacks, type NodePackStatus } from './custom-node-packs.js';
import type { Device } from '../models/onnx/providers.js';
import { createModelRuntime, type ModelRuntime } from '../models/runtime/model-runtime.js';
import { MODEL_KINDS } from '../models/store/manifests.js';
import { describeExtraFolders, type ExtraModelFolder } from '../models/store/extra-model-paths.js';
import { ensureTinyModels } from '../models/tiny/setup.js';
import { ensureExampleInputs } from './examples/example-inputs.js';
import { watchLibvipsThreads } from '../models/image/libvips-priority.js';
import { setOffThreadLowPriority } from '../models/off-thread/off-thread.js';
import type { EnginePort } from '../server/queue/engine-port.js';
import { EngineThread } from './engine-thread/engine-thread.js';


export interface RuntimeOptions {
  /** Data directory; default `$PERCEPTGRAPH_DATA_DIR` or `./data`. */
  readonly dataDir?: string;
  /** Where SaveImage writes instead of `<data dir>/output` (`--output-dir`; ComfyUI's `--output-directory`). */
  readonly outputDir?: string;
  readonly device?: Device;
  /** Build the tiny default models and the example workflows' input images into the data dir when missing (default true). */
  readonly tinyModels?: boolean;
  /** Evict idle ONNX sessions beyond this many bytes. */
  readonly memoryBudgetBytes?: number;
  /** More model folders (`--extra-model-paths FILE`, ComfyUI's extra_model_paths.yaml; docs/model-folders.md). */
  readonly extraModelFolders?: readonly ExtraModelFolder[];
  /** Which node results survive between prompts (`--cache-classic|--cache-lru N|--cache-none`; default classic). */
  readonly cache?: CacheConfig;
  /**
   * Run compute threads (inference workers, model conversion, libvips) below the event loop's priority, so a
   * server answers requests while they work (docs/architecture.md, "Responsiveness"); `serve` turns it on. Off
   * for the CLI, workers and tests, where nothing waits on the event loop and other processes should not win.
   */
  readonly lowerComputePriority?: boolean;
  /**
   * Execute prompts in a worker thread with its own runtime, so node work never takes the server's event loop
   * (app/engine-thread/engine-thread.ts; docs/architecture.md, "Responsiveness"); `serve` turns it on. Off, the
   * engine runs on the calling thread, as the CLI, workers and most tests want.
   */
  readonly engineThread?: boolean;
  /** Load the custom node packs of the data dir (`custom_nodes/`, `custom_nodes.json`; default true). */
  readonly customNodes?: boolean;
  readonly log?: (message: string) => void;
}

export interface AppRuntime {
  /** This thread's engine: `/object_info`, validation, and execution unless `engineThread`. */
  readonly engine: Engine;
  /** What runs prompts: the engine thread with `engineThread`, else `engine`. Hand this to the server. */
  readonly executor: EnginePort;
  readonly dirs: DataDirs;
  readonly models: ModelRuntime;
  /** The example workflows shipped in `workflows/`. */
  readonly workflowsDir: string;
  /** The custom node packs found at start, loaded or skipped (`GET /node_packs`). */
  readonly nodePacks: readonly NodePackStatus[];
  /** `/system_stats` devices: the execution provider in use and the memory its sessions hold. */
  deviceInfo(): object[];
  /** `/models/{folder}` listings from the model store. */
  modelFolders(): Record<string, string[]>;
  /** The folders each model kind is searched in, in order (the data dir's own plus `--extra-model-paths`). */
  modelFolderPaths(): Record<string, string[]>;
  close(): Promise<void>;
}

/** The repository's `workflows/` folder. */
export const workflowsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../workflows');

function withOutputDir(dirs: DataDirs, outputDir: string | undefined): DataDirs {
  if (outputDir === undefined) return dirs;
  const output = path.resolve(outputDir);
  mkdirSync(output, { recursive: true });
  return { ...dirs, output };
}

/** Creates the runtime; the caller must `close()` it to stop the inference workers. */
export async function createRuntime(options: RuntimeOptions = {}): Promise<AppRuntime> {
  const log = options.log ?? (() => {});
  const dirs = withOutputDir(dataDirs(options.dataDir), options.outputDir);
  if (options.tinyModels !== false) {
    const tiny = ensureTinyModels(dirs.models);
    if (tiny.built) log(`built the tiny default models into ${dirs.models}`);
    // A data dir made by hand (--data-dir) gets what `perceptgraph setup` writes, so every example runs there too.
    const examples = await ensureExampleInputs(dirs.input);
    if (examples.written.length) log(`wrote the example inputs ${examples.written.join(', ')}`);
  }
  // ORT's own log would print a red error for every GPU provider that `auto` probes and skips; the pool already
  // logs the reason once in plain words, and real failures reach the caller as exceptions.
  const models = createModelRuntime({
    modelsDir: dirs.models,
    device: options.device ?? 'auto',
    memoryBudgetBytes: options.memoryBudgetBytes,
    ortLogLevel: 'fatal',
    lowPriority: options.lowerComputePriority,
    extraModelFolders: options.extraModelFolders,
    log,
  });
  for (const line of describeExtraFolders(options.extraModelFolders ?? [])) log(line);
  for (const p of models.store.problems()) log(`model store: ${p.kind}/${p.name} is unusable: ${p.problems.join('; ')}`);
  const services: NodeServices = { dirs, models };
  const registry = defaultRegistry();
  const custom = options.customNodes === false ? { statuses: [], definitions: [] } : await loadCustomNodePacks(dirs.root, registry.types(), log);
  registry.addAll(custom.definitions);
  if (options.lowerComputePriority) setOffThreadLowPriority(true);
  // libvips' threads are the process's: the server's thread watches them, an engine thread need not as well.
  const stopVipsWatch = options.lowerComputePriority && isMainThread ? watchLibvipsThreads() : () => {};
  const engine = new Engine({ registry, services, cache: options.cache, log, unloadModels: async () => void (await models.pool.releaseIdle()) });
  const thread = options.engineThread
    ? new EngineThread(engine, {
        dataDir: dirs.root,
        outputDir: options.outputDir,
        device: options.device,
        memoryBudgetBytes: options.memoryBudgetBytes,
        extraModelFolders: options.extraModelFolders,
        cache: options.cache,
        lowerComputePriority: options.lowerComputePriority,
        customNodes: options.customNodes,
      }, log)
    : null;
  thread?.start();
  return {
    engine,
    executor: thread ?? engine,
    nodePacks: custom.statuses,
    dirs,
    models,
    workflowsDir,
    deviceInfo() {
      // With an engine thread, the sessions live in its pool, as it last reported them.
      const s = thread?.poolStats ?? models.pool.stats();
      return [
        {
          name: `onnxruntime:${s.provider ?? s.device}`,
          type: s.provider ?? 'cpu',
          index: 0,
          device: s.device,
          sessions_loaded: s.sessionsLoaded,
          memory_held: s.bytesHeld,
          memory_budget: s.budgetBytes,
          unavailable_providers: s.unavailable,
          ram_total: os.totalmem(),
          ram_free: os.freemem(),
        },
      ];
    },
    modelFolders() {
      return Object.fromEntries(MODEL_KINDS.map((k) => [k, models.store.names(k)]));
    },
    modelFolderPaths() {
      return Object.fromEntries(MODEL_KINDS.map((k) => [k, models.store.foldersOf(k)]));
    },
    close: async () => {
      stopVipsWatch();
      await thread?.close();
      await models.dispose();
    },
  };
}
