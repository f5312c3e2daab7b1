/**
 * What a `.safetensors` file in `checkpoints/` is, from its keys and a few shapes (no data is read): an SD1.5 LDM
 * checkpoint, or one of the files users drop there by mistake (SDXL, SD2, an inpainting model, a LoRA, a textual
 * inversion embedding, an IP-Adapter, a standalone VAE or CLIP, a diffusers component). Each non-SD1.5 answer says
 * where the file belongs, so the loader's error is actionable (docs/ldm-checkpoints.md).
 */
import type { SafetensorsTensorInfo } from '../safetensors/read.js';

/** The classification of one file. */
export type CheckpointKind =
  | { readonly ok: true; readonly kind: 'sd15' }
  | { readonly ok: false; readonly what: string; readonly hint: string };

const SD15_ONLY = 'perceptgraph runs SD1.5 checkpoints (v1-5-pruned-emaonly.safetensors and fine-tunes of it)';

function has(keys: readonly string[], prefix: string): boolean {
  return keys.some((k) => k.startsWith(prefix));
}

/** Classifies a header's tensor table. */
export function classifyCheckpoint(tensors: Readonly<Record<string, SafetensorsTensorInfo>>): CheckpointKind {
  const keys = Object.keys(tensors);
  const unet = 'model.diffusion_model.';
  if (keys.length === 0) return { ok: false, what: 'an empty safetensors file (no tensors)', hint: 'the download is incomplete' };
  if (has(keys, unet)) {
    if (has(keys, 'conditioner.embedders.') || `${unet}label_emb.0.0.weight` in tensors) {
      return { ok: false, what: 'an SDXL checkpoint', hint: `${SD15_ONLY}; SDXL is not supported` };
    }
    const toK = keys.find((k) => k.startsWith(unet) && k.endsWith('attn2.to_k.weight'));
    if (has(keys, 'cond_stage_model.model.') || (toK && tensors[toK]!.shape[1] === 1024)) {
      return { ok: false, what: 'an SD2.x checkpoint (OpenCLIP ViT-H text encoder, 1024-wide context, often v-prediction)', hint: `${SD15_ONLY}; SD2 is not supported` };
    }
    const inCh = tensors[`${unet}input_blocks.0.0.weight`]?.shape[1];
    if (inCh !== undefined && inCh !== 4) {
      return { ok: false, what: `an SD1.5 variant with ${inCh} UNet input channels (inpainting or instruct-pix2pix)`, hint: `${SD15_ONLY} with 4 latent input channels` };
    }
    return { ok: true, kind: 'sd15' };
  }
  if (keys.some((k) => /lora_(up|down|A|B)\b|^lora_(unet|te)_|\.lora\./.test(k))) {
    return { ok: false, what: 'a LoRA', hint: 'LoRA files go in models/loras and are applied to a checkpoint (LoraLoader is not supported yet)' };
  }
  if ('emb_params' in tensors || has(keys, 'string_to_param') || (keys.length <= 2 && keys.every((k) => ['clip_l', 'clip_g'].includes(k)))) {
    return { ok: false, what: 'a textual inversion embedding', hint: 'embeddings go in models/embeddings, not checkpoints' };
  }
  if (has(keys, 'ip_adapter.') || has(keys, 'image_proj.')) {
    return { ok: false, what: 'an IP-Adapter', hint: 'put it in models/ipadapter and load it with IPAdapterModelLoader' };
  }
  if (has(keys, 'encoder.down.') && has(keys, 'decoder.up.')) {
    return { ok: false, what: 'a standalone VAE', hint: 'put it in models/vae and load it with VAELoader' };
  }
  if (has(keys, 'vision_model.') || has(keys, 'text_model.') || has(keys, 'visual.transformer.')) {
    return { ok: false, what: 'a CLIP model', hint: 'put it in models/clip or models/clip_vision' };
  }
  if (has(keys, 'down_blocks.') || has(keys, 'up_blocks.')) {
    return { ok: false, what: 'a single diffusers component (UNet or VAE in the diffusers layout)', hint: 'use the single-file LDM checkpoint (model.diffusion_model.*) instead' };
  }
  return { ok: false, what: `an unknown model (${keys.length} tensors, e.g. ${keys.slice(0, 3).join(', ')})`, hint: SD15_ONLY };
}
