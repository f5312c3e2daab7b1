/**
 * The part of the Engine the server drives. Declared here structurally so the queue and routes depend on what
 * they use, not on the Engine class (any object with these members works, e.g. a remote engine later).
 */
import type { ExecutionEvent, ExecutionOutcome } from '../engine/execution-events.js';
import type { Graph } from '../engine/graph.js';
import type { ApiPrompt } from '../protocol/api-prompt.js';
import type { ValidateOptions, ValidationResult } from '../engine/validate.js';

/** Arguments of `execute`: a validated graph and the outputs to pull. */
export interface ExecuteRequest {
  readonly promptId: string;
  readonly graph: Graph;
  readonly outputs: readonly string[];
  /** The normalised API prompt (nodes with a hidden PROMPT input embed it, e.g. in PNG metadata). */
  readonly prompt?: ApiPrompt;
  /** `extra_data` of the prompt, secrets included (hidden inputs may read them). */
  readonly extraData?: Record<string, unknown>;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: ExecutionEvent) => void;
}

export interface EnginePort {
  /** ComfyUI's `/object_info` dict: class name → node definition. */
  objectInfo(): Record<string, unknown>;
  validate(prompt: unknown, options?: ValidateOptions): ValidationResult | Promise<ValidationResult>;
  execute(request: ExecuteRequest): Promise<ExecutionOutcome>;
  /** Drops every cached node result (ComfyUI's `/free` with `free_memory`). Optional. */
  clearCache?(): void;
}
