/**
 * SD1.5's latent format (ComfyUI `latent_formats.SD15`): how LATENT values (raw VAE scale, as ComfyUI keeps them)
 * map to the UNet's model space, and the cheap latent → RGB projection used for step previews.
 */

/** The constants of one latent space. */
export interface LatentFormat {
  /** Model-space latent = raw VAE latent × scaleFactor (0.18215 for SD1.5). */
  readonly scaleFactor: number;
  /** Latent channels (4). */
  readonly channels: number;
  /** VAE down-sampling factor between image pixels and latent cells (8). */
  readonly downscale: number;
  /**
   * Linear map from one model-space latent cell [C] to RGB in about −1 … 1: rgb = Σ_c latent[c]·factors[c].
   * Fitted by ComfyUI against the real VAE decoder, so it only makes sense on a real SD1.5 UNet's output.
   */
  readonly rgbFactors: readonly (readonly [number, number, number])[];
}

/** SD1.5 (ComfyUI `latent_formats.SD15`). */
export const SD15_LATENT_FORMAT: LatentFormat = {
  scaleFactor: 0.18215,
  channels: 4,
  downscale: 8,
  rgbFactors: [
    [0.3512, 0.2297, 0.3227],
    [0.325, 0.4974, 0.235],
    [-0.2829, 0.1762, 0.2721],
    [-0.212, -0.2616, -0.7177],
  ],
};

/** Returns a copy of `data` multiplied by `factor` (process_in: ×scale; process_out: ×1/scale). */
export function scaled(data: Float32Array, factor: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < out.length; i++) out[i] = data[i]! * factor;
  return out;
}
