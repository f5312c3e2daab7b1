/**
 * Every socket type the shipped packs exchange, declared once with the TS type of its values. Inputs use them as
 * `socket(IMAGE)` and outputs as `{ type: IMAGE }`; ComfyUI's names where ComfyUI has the type.
 */
import { socketType } from '../server/engine/socket-type.js';
import type { ClipVision, ClipVisionOutput } from '../models/clip/clip-vision.js';
import type { DeclipModel } from '../models/declip/declip-model.js';
import type { ImageEmbeds, Scores, TextEmbeds } from '../models/declip/types.js';
import type { IpAdapterWeights } from '../models/ip-adapter/weights.js';
import type { Conditioning, SdClip, SdModel, SdVae } from '../models/sd/types.js';
import type { Mask } from '../models/image/decode.js';
import type { ImageBatch, Latent } from '../models/tensors.js';

export { ANY, BOOLEAN, FLOAT, INT, STRING } from '../server/engine/socket-type.js';

/** [B,H,W,3] in 0..1 (ComfyUI's IMAGE). */
export const IMAGE = socketType<ImageBatch>('IMAGE');
/** [B,H,W] in 0..1 (ComfyUI's MASK). */
export const MASK = socketType<Mask>('MASK');
/** `{ samples: [B,4,H/8,W/8] }` (ComfyUI's LATENT). */
export const LATENT = socketType<Latent>('LATENT');
/** The SD1.5 pieces a checkpoint loader hands out, and text conditioning. */
export const MODEL = socketType<SdModel>('MODEL'), CLIP = socketType<SdClip>('CLIP'), VAE = socketType<SdVae>('VAE');
export const CONDITIONING = socketType<Conditioning>('CONDITIONING');
/**
 * An IP-Adapter's validated weights (ComfyUI_IPAdapter_plus's IPADAPTER), with the CLIP vision model when a unified
 * loader put one in the pipeline (the simple IPAdapter node takes it from there).
 */
export const IPADAPTER = socketType<IpAdapterWeights & { readonly clipVision?: ClipVision }>('IPADAPTER');
/** A CLIP image encoder and its output (ComfyUI's CLIP_VISION, CLIP_VISION_OUTPUT). */
export const CLIP_VISION = socketType<ClipVision>('CLIP_VISION');
export const CLIP_VISION_OUTPUT = socketType<ClipVisionOutput>('CLIP_VISION_OUTPUT');
/** A CLIP with its DeCLIP projectors. */
export const DECLIP = socketType<DeclipModel>('DECLIP');
/** Image embeddings in the CLIP, perceptual and semantic spaces. */
export const EMBEDS = socketType<ImageEmbeds>('EMBEDS');
/** Text embeddings of prompts, per space. */
export const TEXT_EMBEDS = socketType<TextEmbeds>('TEXT_EMBEDS');
/** Per-image quality/attribute scores. */
export const SCORES = socketType<Scores>('SCORES');
