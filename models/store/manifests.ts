/**
 * Model manifests: what the store hands to loaders once a folder or file is recognised. Every path is absolute.
 * The schemas are the single source of the types (z.infer) and validate what the store builds, plus the JSON
 * files it reads from model folders.
 */
import path from 'node:path';
import { z } from 'zod';

/** Model kinds, i.e. the folders under `<data>/models/`. */
export const MODEL_KINDS = ['checkpoints', 'diffusers', 'clip', 'clip_vision', 'ipadapter', 'declip', 'vae', 'prompts'] as const;
/** A folder under `<data>/models/`. */
export type ModelKind = (typeof MODEL_KINDS)[number];

const absPath = z.string().refine((p) => path.isAbsolute(p), 'must be an absolute path');

/** One ONNX model: `model.onnx` plus the external-data files beside it (`model.onnx_data`, `weights.pb`). */
export const onnxFileSchema = z.object({ model: absPath, externalData: z.array(absPath) });
export type OnnxFile = z.infer<typeof onnxFileSchema>;

/** CLIP BPE tokenizer files: `vocab.json` + `merges.txt`, and/or `tokenizer.json`, plus optional configs. */
export const tokenizerFilesSchema = z.object({
  dir: absPath,
  vocab: absPath.optional(),
  merges: absPath.optional(),
  tokenizerJson: absPath.optional(),
  tokenizerConfig: absPath.optional(),
  specialTokensMap: absPath.optional(),
});
export type TokenizerFiles = z.infer<typeof tokenizerFilesSchema>;

/** An SD1.5 ONNX checkpoint folder (diffusers/optimum layout, plus our optional `unet_ip/`). */
export const onnxCheckpointManifestSchema = z.object({
  kind: z.literal('checkpoints'),
  format: z.literal('onnx-folder'),
  name: z.string(),
  dir: absPath,
  textEncoder: onnxFileSchema,
  unet: onnxFileSchema,
  /** IP-capable UNet (docs/model-folders.md): ehs [B, 77+4, 768] and `ipadapter_scale` f32 [16]. */
  ipUnet: onnxFileSchema.optional(),
  vaeDecoder: onnxFileSchema,
  vaeEncoder: onnxFileSchema.optional(),
  tokenizer: tokenizerFilesSchema,
  /** `scheduler/scheduler_config.json`; absent means the SD1.5 defaults. */
  schedulerConfig: absPath.optional(),
  modelIndex: absPath.optional(),
  warnings: z.array(z.string()),
});
export type OnnxCheckpointManifest = z.infer<typeof onnxCheckpointManifestSchema>;

/**
 * A single-file SD1.5 checkpoint (`*.safetensors`, LDM layout; docs/ldm-checkpoints.md). Listed by extension, as
 * ComfyUI does; what the file holds is checked when it is loaded, so a wrong file fails on the loader node.
 */
export const ldmCheckpointManifestSchema = z.object({
  kind: z.literal('checkpoints'),
  format: z.literal('ldm-safetensors'),
  name: z.string(),
  file: absPath,
  warnings: z.array(z.string()),
});
export type LdmCheckpointManifest = z.infer<typeof ldmCheckpointManifestSchema>;

/**
 * The files of a diffusers-layout SD1.5 folder with `.safetensors` weights (docs/ldm-checkpoints.md, "Diffusers
 * folders"): converted like a single-file checkpoint, its keys renamed to the LDM layout (models/ldm/diffusers-keys.ts).
 */
export const diffusersFilesSchema = z.object({
  format: z.literal('diffusers-safetensors'),
  name: z.string(),
  dir: absPath,
  /** `unet/diffusion_pytorch_model.safetensors` (or its `.fp16` variant). */
  unet: absPath,
  unetConfig: absPath.optional(),
  /** `vae/diffusion_pytorch_model.safetensors`. */
  vae: absPath,
  vaeConfig: absPath.optional(),
  /** `text_encoder/model.safetensors`. */
  textEncoder: absPath,
  textEncoderConfig: absPath.optional(),
  /** `tokenizer/`; absent: looked up in `tokenizers/` as for a single file. */
  tokenizer: tokenizerFilesSchema.optional(),
  schedulerConfig: absPath.optional(),
  modelIndex: absPath.optional(),
  warnings: z.array(z.string()),
});
export type DiffusersFiles = z.infer<typeof diffusersFilesSchema>;

/** A diffusers folder in `checkpoints/` (CheckpointLoaderSimple). */
export const diffusersCheckpointManifestSchema = diffusersFilesSchema.extend({ kind: z.literal('checkpoints') });
/** A diffusers folder in `diffusers/` (DiffusersLoader, ComfyUI's `models/diffusers`). */
export const diffusersManifestSchema = diffusersFilesSchema.extend({ kind: z.literal('diffusers') });
export type DiffusersManifest = z.infer<typeof diffusersManifestSchema>;

/** Every checkpoint route. */
export const checkpointManifestSchema = z.discriminatedUnion('format', [onnxCheckpointManifestSchema, ldmCheckpointManifestSchema, diffusersCheckpointManifestSchema]);
export type CheckpointManifest = z.infer<typeof checkpointManifestSchema>;

/** A standalone AutoencoderKL file in `vae/` (`encoder.*`, `decoder.*`, `quant_conv.*`, `post_quant_conv.*`). */
export const vaeManifestSchema = z.object({
  kind: z.literal('vae'),
  name: z.string(),
  file: absPath,
  warnings: z.array(z.string()),
});
export type VaeManifest = z.infer<typeof vaeManifestSchema>;

/**
 * A CLIP `.safetensors` (HF or OpenCLIP key layout) that is converted to ONNX on first use (models/clip/convert-clip.ts),
 * with the HF `config.json` beside it when there is one.
 */
export const clipSafetensorsSchema = z.object({
  file: absPath,
  layout: z.enum(['hf', 'openclip']),
  config: absPath.optional(),
});
export type ClipSafetensors = z.infer<typeof clipSafetensorsSchema>;

/** A CLIP / OpenCLIP ONNX folder (split towers and/or the optimum full `model.onnx`), or a `.safetensors` file. */
export const clipManifestSchema = z.object({
  kind: z.literal('clip'),
  name: z.string(),
  dir: absPath,
  /** `vision_model.onnx`: pixel_values → image_embeds. */
  vision: onnxFileSchema.optional(),
  /** `text_model.onnx`: input_ids → text_embeds. */
  text: onnxFileSchema.optional(),
  /** optimum full `model.onnx`: input_ids, pixel_values, attention_mask → *_embeds, logits. */
  full: onnxFileSchema.optional(),
  /** The weights file to convert, for a `.safetensors` CLIP (then vision/text/full are absent). */
  safetensors: clipSafetensorsSchema.optional(),
  tokenizer: tokenizerFilesSchema,
  /** `preprocessor_config.json`; absent means CLIP's defaults (224, bicubic, OpenAI mean/std). */
  preprocessorConfig: absPath.optional(),
  /** HF `config.json`, when present (pad/eos ids, projection size). */
  config: absPath.optional(),
  warnings: z.array(z.string()),
});
export type ClipManifest = z.infer<typeof clipManifestSchema>;

/**
 * An image-only CLIP (the IP-Adapter image encoder): a folder with `vision_model.onnx` or a full `model.onnx`, or a
 * `.safetensors` file (ComfyUI's `clip_vision/` files) converted on first use.
 */
export const clipVisionManifestSchema = z.object({
  kind: z.literal('clip_vision'),
  name: z.string(),
  dir: absPath,
  vision: onnxFileSchema.optional(),
  safetensors: clipSafetensorsSchema.optional(),
  preprocessorConfig: absPath.optional(),
  warnings: z.array(z.string()),
});
export type ClipVisionManifest = z.infer<typeof clipVisionManifestSchema>;

const dim = z.number().int().positive();

/** `ip-adapter_sd15.safetensors` (base adapter: Linear d → tokens·cross, LayerNorm over cross). */
export const ipAdapterManifestSchema = z.object({
  kind: z.literal('ipadapter'),
  name: z.string(),
  file: absPath,
  /** CLIP image embedding size d (1024 for ViT-H). */
  imageEmbedDim: dim,
  /** UNet cross-attention size (768 for SD1.5). */
  crossAttentionDim: dim,
  /** Image tokens (4). */
  tokens: dim,
  /** Number of `ip_adapter.{k}.to_k_ip` layers found (16 for SD1.5; baked into `unet_ip/` for ONNX). */
  ipLayers: z.number().int().nonnegative(),
  warnings: z.array(z.string()),
});
export type IpAdapterManifest = z.infer<typeof ipAdapterManifestSchema>;

/** DeCLIP projector weights (docs/model-folders.md): `{perceptual,semantic}.fc1.weight [h,d]`, `.fc1.bias [h]`, `.fc2.weight [d,h]`. */
export const declipManifestSchema = z.object({
  kind: z.literal('declip'),
  name: z.string(),
  file: absPath,
  /** CLIP embedding size d. */
  embedDim: dim,
  /** Hidden size h. */
  hiddenDim: dim,
  metadata: z.record(z.string(), z.string()),
  warnings: z.array(z.string()),
});
export type DeclipManifest = z.infer<typeof declipManifestSchema>;

/**
 * A learned prompt file (docs/coop.md, "Prompt files"): `context` F32 [S, M, d] plus the prompt's record in the
 * header. Listed when the header's format tag and tensor fit; every field is validated when it is read
 * (models/coop/prompt-file.ts).
 */
export const promptManifestSchema = z.object({
  kind: z.literal('prompts'),
  name: z.string(),
  file: absPath,
  /** [sets, M, width] of the context tensor. */
  contextDims: z.tuple([dim, dim, dim]),
  metadata: z.record(z.string(), z.string()),
  warnings: z.array(z.string()),
});
export type PromptManifest = z.infer<typeof promptManifestSchema>;

/** The manifest type of each kind. */
export interface ManifestOf {
  checkpoints: CheckpointManifest;
  diffusers: DiffusersManifest;
  clip: ClipManifest;
  clip_vision: ClipVisionManifest;
  ipadapter: IpAdapterManifest;
  declip: DeclipManifest;
  vae: VaeManifest;
  prompts: PromptManifest;
}

/** One entry of a listing: a usable model, or a broken one with every reason it cannot load. */
export type ModelEntry<K extends ModelKind = ModelKind> =
  | { readonly kind: K; readonly name: string; readonly ok: true; readonly manifest: ManifestOf[K] }
  | { readonly kind: K; readonly name: string; readonly ok: false; readonly problems: readonly string[] };

/** diffusers `model_index.json`: component → [library, class] (null pairs for absent parts). */
export const modelIndexSchema = z.looseObject({ _class_name: z.string().optional() });

/** The part of `scheduler_config.json` the samplers rely on; other keys pass through. */
export const schedulerConfigSchema = z.looseObject({
  num_train_timesteps: z.number().int().positive().optional(),
  beta_start: z.number().positive().optional(),
  beta_end: z.number().positive().optional(),
  beta_schedule: z.string().optional(),
});
