/**
 * Messages between the server's thread and the engine thread (docs/architecture.md, "Responsiveness").
 * Everything here survives structured clone; the prompt travels as its JSON text (bigints and `5.0` literals
 * kept by the codec), which is one string copy where a cloned 50 MB object would block the server's thread.
 */
import type { ExecutionEvent, ExecutionOutcome } from '../../server/engine/execution-events.js';
import type { CacheConfig } from '../../server/engine/output-cache.js';
import type { Device } from '../../models/onnx/providers.js';
import type { PoolStats } from '../../models/onnx/session-pool.js';
import type { ExtraModelFolder } from '../../models/store/extra-model-paths.js';

/** What the engine thread builds its own runtime from (the server's runtime options, minus the log). */
export interface EngineThreadConfig {
  readonly dataDir: string;
  readonly outputDir?: string;
  readonly device?: Device;
  readonly memoryBudgetBytes?: number;
  readonly extraModelFolders?: readonly ExtraModelFolder[];
  readonly cache?: CacheConfig;
  readonly lowerComputePriority?: boolean;
  readonly customNodes?: boolean;
}

export type ToEngineThread =
  | {
      readonly op: 'execute';
      readonly id: number;
      readonly promptId: string;
      /**
       * `stringifyJson` of the normalised API prompt; the thread validates it again for its graph. A big prompt's
       * text goes as the UTF-8 bytes it is remembered as, in shared memory: no copy, no 50 MB string on this side.
       */
      readonly promptText: string | Uint8Array;
      readonly outputs: readonly string[];
      readonly extraData: Record<string, unknown>;
    }
  | { readonly op: 'abort'; readonly id: number }
  | { readonly op: 'clearCache' }
  | { readonly op: 'unloadModels'; readonly id: number }
  | { readonly op: 'close' };

export type FromEngineThread =
  | { readonly op: 'ready'; readonly stats: PoolStats }
  /** The runtime could not be built (a broken data dir): every execute fails with this. */
  | { readonly op: 'failed'; readonly message: string }
  | { readonly op: 'event'; readonly id: number; readonly event: ExecutionEvent }
  | { readonly op: 'done'; readonly id: number; readonly outcome: ExecutionOutcome; readonly stats: PoolStats }
  | { readonly op: 'unloaded'; readonly id: number; readonly stats: PoolStats; readonly error?: string }
  | { readonly op: 'log'; readonly message: string }
  | { readonly op: 'closed' };

/** A failure outside any node (the thread stopped, the prompt no longer validates there), shaped as the engine's. */
export function failedOutcome(message: string, exceptionType: string): Extract<ExecutionOutcome, { status: 'error' }> {
  return {
    status: 'error',
    outputs: {},
    error: { nodeId: '', nodeType: '', executed: [], exceptionMessage: message, exceptionType, traceback: [], currentInputs: {}, currentOutputs: [] },
  };
}
