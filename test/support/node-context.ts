/**
 * A minimal real NodeContext for calling `def.run(ctx, inputs)` directly: services hold a data dir (and, for model
 * nodes, a model runtime such as a test fixture's); progress, text and log lines are recorded in `events`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createModelRuntime, type ModelRuntime } from '../../models/runtime/model-runtime.js';
import { dataDirs, type DataDirs } from '../../server/data-dir.js';
import type { NodeCtx } from '../../nodes/define-node.js';
import type { NodeServices } from '../../nodes/services.js';

/** A data directory in a fresh temp dir, and its cleanup. */
export function tempDataDirs(): { dirs: DataDirs; cleanup: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-'));
  return { dirs: dataDirs(root), cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/**
 * A temp data dir with a CPU model runtime over its models/, for a describe block: `prepare` writes the models and
 * inputs before the runtime opens (beforeAll); the runtime is disposed and the dir removed afterwards (afterAll).
 */
export function useModelRuntime(prepare: (dirs: DataDirs) => unknown): { dirs: DataDirs; models: () => ModelRuntime } {
  const { dirs, cleanup } = tempDataDirs();
  let runtime: ModelRuntime | undefined;
  beforeAll(async () => {
    await prepare(dirs);
    runtime = createModelRuntime({ modelsDir: dirs.models, device: 'cpu' });
  }, 60_000);
  afterAll(async () => {
    await runtime?.dispose();
    cleanup();
  });
  return { dirs, models: () => runtime! };
}

/** What a test context's services hold; a fixture with these fields (and others) can be passed as is. */
export interface ContextServices {
  readonly dirs: DataDirs;
  /** The model runtime, for model nodes (e.g. the SD / DeCLIP / IP-Adapter test fixtures' CPU runtime). */
  readonly models?: ModelRuntime;
}

/** Options of {@link nodeContext}. */
export interface NodeContextOptions {
  /** `ctx.nodeType`; default `'Test'`. */
  readonly nodeType?: string;
  /** `ctx.signal`; default one that never aborts. */
  readonly signal?: AbortSignal;
}

/** A context over `services.dirs` (and `services.models` when given); progress and text are recorded in `events`. */
export function nodeContext(services: ContextServices, opts: NodeContextOptions = {}): NodeCtx & { events: unknown[] } {
  const signal = opts.signal ?? new AbortController().signal;
  const events: unknown[] = [];
  const { dirs, models } = services;
  return {
    nodeId: '1',
    nodeType: opts.nodeType ?? 'Test',
    promptId: 'test-prompt',
    signal,
    // Only the data dir and the model runtime: other services (previews, ...) keep their defaults. Nodes that use
    // no model (the core pack) are run without a runtime, so the cast covers a `models` that they never read.
    services: (models ? { dirs, models } : { dirs }) as NodeServices,
    events,
    progress: (value, max) => void events.push({ progress: [value, max] }),
    throwIfInterrupted: () => signal.throwIfAborted(),
    text: (message) => void events.push({ text: message }),
    log: (message) => void events.push({ log: message }),
  };
}
