/**
 * A CLIP image encoder as ComfyUI's CLIP_VISION (comfy/clip_vision.py): a `.safetensors` or ONNX image tower plus
 * its preprocessing. `encode` gives CLIP_VISION_OUTPUT's tensors: `image_embeds` [B, P] and, for the towers we
 * build from weights, `last_hidden_state` and `penultimate_hidden_states` [B, tokens, d].
 * Preprocessing as ComfyUI's `clip_preprocess`: crop `center` resizes the short side to S and center-crops,
 * `none` resizes to S×S; then OpenAI's mean/std (or the folder's preprocessor_config.json).
 */
import type { ModelSession } from '../onnx/model-session.js';
import type { SessionPool } from '../onnx/session-pool.js';
import { floatOutput } from '../onnx/tensor-types.js';
import { ClipImageProcessor } from '../processors/clip-image.js';
import { CLIP_IMAGE_DEFAULTS, type ClipImageConfig } from '../processors/clip-image-config.js';
import type { ClipVisionManifest } from '../store/manifests.js';
import type { FloatTensor, ImageBatch } from '../tensors.js';
import { convertClipFile } from './convert-clip.js';

/** ComfyUI's CLIPVisionEncode crop choices; declared once. */
export const CLIP_VISION_CROPS = ['center', 'none'] as const;
export type ClipVisionCrop = (typeof CLIP_VISION_CROPS)[number];

/** ComfyUI's CLIP_VISION_OUTPUT. */
export interface ClipVisionOutput {
  readonly image_embeds: FloatTensor;
  readonly last_hidden_state?: FloatTensor;
  readonly penultimate_hidden_states?: FloatTensor;
}

/** An opened image encoder (CLIP_VISION). */
export interface ClipVision {
  readonly name: string;
  readonly file: string;
  /** Input side S. */
  readonly imageSize: number;
  /** IMAGE [B, H, W, 3] in 0..1 → CLIP_VISION_OUTPUT. */
  encode(image: ImageBatch, o?: { crop?: ClipVisionCrop; signal?: AbortSignal }): Promise<ClipVisionOutput>;
}

/** Options of {@link openClipVision}. */
export interface OpenClipVisionOptions {
  readonly pool: SessionPool;
  readonly manifest: ClipVisionManifest;
  /** `<data>/cache`, where a `.safetensors` encoder is converted. */
  readonly cacheDir: string;
  readonly signal?: AbortSignal;
}

async function session(o: OpenClipVisionOptions): Promise<ModelSession> {
  const m = o.manifest;
  if (m.safetensors) {
    const c = await convertClipFile({ file: m.safetensors.file, cacheDir: o.cacheDir, config: m.safetensors.config, signal: o.signal });
    if (!c.vision) throw new Error(`${m.safetensors.file}: no image tower (vision_model.* or visual.*)`);
    return o.pool.get(c.vision.model);
  }
  if (!m.vision) throw new Error(`CLIP vision ${m.name}: no vision_model.onnx or .safetensors weights in ${m.dir}`);
  return o.pool.get(m.vision.model);
}

/** Opens the encoder's session (converting a `.safetensors` on first use). */
export async function openClipVision(o: OpenClipVisionOptions): Promise<ClipVision> {
  const s = await session(o);
  const declared = s.input('pixel_values')?.shape.at(-1);
  const base = await ClipImageProcessor.fromConfigFile(o.manifest.preprocessorConfig);
  const size = typeof declared === 'number' ? declared : (base.config.crop?.height ?? 224);
  const withSize = (c: ClipImageConfig, crop: ClipVisionCrop): ClipImageConfig => ({
    ...c,
    resize: crop === 'center' ? { shortestEdge: size } : { height: size, width: size },
    crop: crop === 'center' ? { height: size, width: size } : null,
  });
  const processors = {
    center: new ClipImageProcessor(withSize(o.manifest.preprocessorConfig ? base.config : CLIP_IMAGE_DEFAULTS, 'center')),
    none: new ClipImageProcessor(withSize(o.manifest.preprocessorConfig ? base.config : CLIP_IMAGE_DEFAULTS, 'none')),
  };
  const has = (name: string) => s.outputs.some((t) => t.name === name);
  return {
    name: o.manifest.name,
    file: s.file,
    imageSize: size,
    async encode(image, e = {}) {
      const pixels = await processors[e.crop ?? 'center'].preprocess(image);
      const out = await s.run({ pixel_values: pixels }, { signal: e.signal, transferInputs: true });
      return {
        image_embeds: floatOutput(out, 'image_embeds', s.file),
        last_hidden_state: has('last_hidden_state') ? floatOutput(out, 'last_hidden_state', s.file) : undefined,
        penultimate_hidden_states: has('penultimate_hidden_states') ? floatOutput(out, 'penultimate_hidden_states', s.file) : undefined,
      };
    },
  };
}
