/**
 * The engine facade: a library with no HTTP in it. The API server, the CLI and the tests all drive this.
 */
import type { ExecutionOutcome } from './execution-events.js';
import { executeGraph, type ExecuteRequest } from './execute.js';
import { objectInfo, type ObjectInfoEntry } from './object-info.js';
import { createOutputCache, DEFAULT_CACHE_CONFIG, type CacheConfig, type OutputCache } from './output-cache.js';
import type { NodeRegistry } from './registry.js';
import { validatePrompt, type ValidateOptions, type ValidationResult } from './validate.js';

export interface EngineOptions {
  readonly registry: NodeRegistry;
  readonly services: unknown;
  /** Which results survive between prompts (default classic, as ComfyUI; see `output-cache.ts`). */
  readonly cache?: CacheConfig;
  readonly log?: (message: string) => void;
  /** Releases the loaded models (the engine does not know the services' shape; the runtime passes this). */
  readonly unloadModels?: () => Promise<void>;
}

export class Engine {
  readonly registry: NodeRegistry;
  readonly services: unknown;
  /** The cache in use (`--cache-classic|--cache-lru N|--cache-none`). */
  readonly cacheConfig: CacheConfig;
  readonly #cache: OutputCache;
  readonly #log: (message: string) => void;
  readonly #unloadModels: () => Promise<void>;

  constructor(options: EngineOptions) {
    this.registry = options.registry;
    this.services = options.services;
    this.cacheConfig = options.cache ?? DEFAULT_CACHE_CONFIG;
    this.#cache = createOutputCache(this.cacheConfig);
    this.#log = options.log ?? (() => {});
    this.#unloadModels = options.unloadModels ?? (async () => {});
  }

  /** ComfyUI's `/object_info` dict, generated from the node definitions; `only` limits it to one node type. */
  objectInfo(only?: string): Record<string, ObjectInfoEntry> {
    return objectInfo(this.registry, (type, err) => this.#log(`object_info: skipped ${type}: ${String(err)}`), this.services, only);
  }

  /** Validates an API-format prompt (see `validatePrompt`). */
  validate(prompt: unknown, options?: ValidateOptions): Promise<ValidationResult> {
    return validatePrompt(prompt, this.registry, this.services, options);
  }

  /** Runs a validated graph. Node failures and interrupts are reported in the outcome, not thrown. */
  execute(request: ExecuteRequest): Promise<ExecutionOutcome> {
    return executeGraph({ log: this.#log, ...request }, this.registry, this.services, this.#cache);
  }

  /** Forgets every cached result, whatever the mode (ComfyUI's `/free` with free_memory). */
  clearCache(): void {
    this.#cache.clear();
  }

  /** Releases loaded models (ComfyUI's `/free` with unload_models); they load again when next used. */
  unloadModels(): Promise<void> {
    return this.#unloadModels();
  }
}
