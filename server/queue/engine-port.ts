/**
 * The part of the Engine the server drives. Declared here structurally so the queue and routes depend on what
 * they use, not on the Engine class (any object with these members works, e.g. a remote engine later).
 */
import type { ExecutionOutcome } from '../engine/execution-events.js';
import type { ExecuteRequest } from '../engine/execute.js';
import type { ValidateOptions, ValidationResult } from '../engine/validate.js';

export type { ExecuteRequest };

export interface EnginePort {
  /** ComfyUI's `/object_info` dict: class name → node definition. */
  objectInfo(only?: string): Record<string, unknown>;
  validate(prompt: unknown, options?: ValidateOptions): ValidationResult | Promise<ValidationResult>;
  execute(request: ExecuteRequest): Promise<ExecutionOutcome>;
  /** Drops every cached node result (ComfyUI's `/free` with `free_memory`). Optional. */
  clearCache?(): void;
  /** Releases loaded models (ComfyUI's `/free` with `unload_models`). Optional. */
  unloadModels?(): Promise<void>;
}
