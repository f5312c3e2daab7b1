/**
 * The preview settings the SD nodes read from `ctx.services` (the model runtime comes through
 * `nodes/model-runtime.ts`). `previews` is optional; the server or CLI may set it from ComfyUI's `--preview-method` (none / latent2rgb).
 */
import type { NodeServices } from '../../server/engine/node-definition.js';

/** How KSampler nodes send step previews. */
export interface PreviewSettings {
  /** `none` sends progress without images; `latent2rgb` (default) sends the cheap linear projection. */
  readonly method: 'none' | 'latent2rgb';
  /** A preview every N steps (and on the last); default {@link defaultPreviewEvery}. */
  readonly every?: number;
  /** Default `jpeg`. */
  readonly format?: 'jpeg' | 'png';
}

declare module '../../server/engine/node-definition.js' {
  interface NodeServices {
    /** Step preview settings; absent means latent2rgb previews at the default interval. */
    readonly previews?: PreviewSettings;
  }
}

/** At most about 25 previews per run, at least one per step for short runs. */
export function defaultPreviewEvery(steps: number): number {
  return Math.max(1, Math.ceil(steps / 25));
}

/** The preview interval for a run of `steps` (0 = none). */
export function previewEvery(services: NodeServices, steps: number): number {
  const p = services.previews;
  if (p?.method === 'none') return 0;
  return p?.every ?? defaultPreviewEvery(steps);
}
