/** Limits shared by node packs. */

/** ComfyUI's MAX_RESOLUTION: the largest width or height an image or latent widget accepts, in pixels. */
export const MAX_RESOLUTION = 16384;
