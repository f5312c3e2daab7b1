/**
 * The services every node pack receives as `ctx.services`: one explicit type owned by the node layer. The engine
 * passes them through without looking inside; the composition root (`app/runtime.ts`) and the tests build them.
 */
import type { ModelRuntime } from '../models/runtime/model-runtime.js';

/** The data directory folders nodes read and write (the server's `DataDirs` has these and more). */
export interface NodeDirs {
  readonly models: string;
  readonly input: string;
  readonly output: string;
  readonly temp: string;
  /** Caches (generated projector graphs, embeddings) that can be deleted at any time. */
  readonly cache: string;
}

/** How KSampler-style nodes send step previews. */
export interface PreviewSettings {
  /** `none` sends progress without images; `latent2rgb` (default) sends the cheap linear projection. */
  readonly method: 'none' | 'latent2rgb';
  /** A preview every N steps (and on the last); default `defaultPreviewEvery` in `nodes/sd/services.ts`. */
  readonly every?: number;
  /** Default `jpeg`. */
  readonly format?: 'jpeg' | 'png';
}

export interface NodeServices {
  /** The session pool and the model store. */
  readonly models: ModelRuntime;
  readonly dirs: NodeDirs;
  /** Step preview settings (ComfyUI's `--preview-method`); absent means latent2rgb at the default interval. */
  readonly previews?: PreviewSettings;
}
