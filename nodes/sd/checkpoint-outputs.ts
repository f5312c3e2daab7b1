/** The outputs every checkpoint loader declares, with ComfyUI's names and tooltips (CheckpointLoaderSimple, …ONNX). */
import { CLIP, MODEL, VAE } from '../socket-types.js';

export const checkpointOutputs = [
  { type: MODEL, name: 'MODEL', tooltip: 'The model used for denoising latents.' },
  { type: CLIP, name: 'CLIP', tooltip: 'The CLIP model used for encoding text prompts.' },
  { type: VAE, name: 'VAE', tooltip: 'The VAE model used for encoding and decoding images to and from latent space.' },
] as const;

/** The `ckpt_name` input's tooltip. */
export const CKPT_NAME_TOOLTIP = 'The name of the checkpoint (model) to load.';
