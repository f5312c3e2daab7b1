/**
 * How the SD nodes read the preview settings of `ctx.services.previews` (optional; the server or CLI may set
 * them from ComfyUI's `--preview-method`: none / latent2rgb).
 */
import type { NodeServices, PreviewSettings } from '../services.js';

export type { PreviewSettings };

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
