/**
 * CheckpointLoaderSimple's, DiffusersLoader's and VAELoader's work for `.safetensors` models (single files and
 * diffusers folders; docs/ldm-checkpoints.md):
 * convert (or find in the cache) and hand out MODEL, CLIP and VAE handles on the converted graphs, so the
 * samplers, text encoder and VAE code run them exactly like ONNX exports.
 */
import { readConversion } from '../ldm/convert.js';
import { convertLdmCheckpointOffThread, convertLdmVaeOffThread, ensureIpUnetOffThread, textEncoderForLayerOffThread } from '../off-thread/conversions.js';
import { checkpointTokenizerDir } from '../ldm/tokenizer-dir.js';
import type { DiffusersFiles } from '../store/manifests.js';
import { readSchedulerConfig, type SdCheckpoint } from './checkpoint.js';
import { SD15_LATENT_FORMAT } from './latent-format.js';
import type { SessionSource } from './sessions.js';
import { tokenizerFor } from './text-encoder.js';
import type { SdClip, SdModel, SdVae } from './types.js';

/** Options of {@link loadLdmCheckpoint}. */
export interface LoadLdmOptions {
  /** The file's name in its folder (`v1-5-pruned-emaonly.safetensors`). */
  readonly name: string;
  readonly file: string;
  /** `<data>/cache`. */
  readonly cacheDir: string;
  /** The `tokenizers` folders in search order: `<data>/models/tokenizers`, then any extra ones (tokenizer-dir.ts). */
  readonly tokenizerRoots: readonly string[];
  /** Loads the tokenizer once, to check its ids fit the token embedding. */
  readonly sessions: SessionSource;
  readonly signal?: AbortSignal;
}

/**
 * MODEL, CLIP and VAE of a single-file SD1.5 checkpoint.
 * @throws naming the file: not safetensors, not SD1.5, a missing key or shape, no tokenizer
 */
export async function loadLdmCheckpoint(o: LoadLdmOptions): Promise<SdCheckpoint> {
  return loadConverted(o, { source: o.file, key: `checkpoints/${o.name}`, tokenizerDir: () => checkpointTokenizerDir(o.tokenizerRoots, o.name), schedulerConfig: {} });
}

/** Options of {@link loadDiffusersCheckpoint}. */
export interface LoadDiffusersOptions extends Omit<LoadLdmOptions, 'name' | 'file'> {
  readonly files: DiffusersFiles;
  /** The folder it was listed in: `checkpoints` (CheckpointLoaderSimple) or `diffusers` (DiffusersLoader). */
  readonly folder: 'checkpoints' | 'diffusers';
}

/**
 * MODEL, CLIP and VAE of a diffusers-layout folder with `.safetensors` weights, converted like a single file
 * (models/ldm/diffusers-folder.ts); its own `tokenizer/` and `scheduler/scheduler_config.json` are used, and
 * without a `tokenizer/` the `tokenizers` folders are searched as for a single file.
 * @throws naming the folder or the component file: a missing part, not SD1.5, a missing key or shape
 */
export async function loadDiffusersCheckpoint(o: LoadDiffusersOptions): Promise<SdCheckpoint> {
  const f = o.files;
  return loadConverted(o, {
    source: f.dir,
    key: `${o.folder}/${f.name}`,
    tokenizerDir: () => f.tokenizer?.dir ?? checkpointTokenizerDir(o.tokenizerRoots, f.name),
    schedulerConfig: readSchedulerConfig(f.schedulerConfig),
  });
}

interface ConvertedSource {
  readonly source: string;
  readonly key: string;
  readonly tokenizerDir: () => string;
  readonly schedulerConfig: Record<string, unknown>;
}

async function loadConverted(o: Omit<LoadLdmOptions, 'name' | 'file'>, s: ConvertedSource): Promise<SdCheckpoint> {
  const c = await convertLdmCheckpointOffThread({ file: s.source, cacheDir: o.cacheDir, signal: o.signal });
  const tokenizerDir = s.tokenizerDir();
  const tok = await tokenizerFor(o.sessions, tokenizerDir);
  if (tok.vocabSize > c.textVocab) {
    throw new Error(`${s.source}: the tokenizer in ${tokenizerDir} has ${tok.vocabSize} ids but the text encoder embeds only ${c.textVocab}; it belongs to another model`);
  }
  const key = s.key;
  return {
    model: { key, unetPath: c.unet.model, schedulerConfig: s.schedulerConfig, conversionDir: c.dir },
    clip: { key, textEncoderPath: c.textEncoder.model, tokenizerDir, layers: { conversionDir: c.dir, count: c.textLayers, stopAt: -1 } },
    vae: { key, decoderPath: c.vaeDecoder.model, encoderPath: c.vaeEncoder.model, scalingFactor: SD15_LATENT_FORMAT.scaleFactor },
  };
}

/** VAE of a standalone `.safetensors` AutoencoderKL file in `vae/`. */
export async function loadLdmVae(o: Omit<LoadLdmOptions, 'tokenizerRoots' | 'sessions'>): Promise<SdVae> {
  const c = await convertLdmVaeOffThread({ file: o.file, cacheDir: o.cacheDir, signal: o.signal });
  return { key: `vae/${o.name}`, decoderPath: c.vaeDecoder.model, encoderPath: c.vaeEncoder.model, scalingFactor: SD15_LATENT_FORMAT.scaleFactor };
}

/**
 * ComfyUI's `CLIPSetLastLayer`: the CLIP whose hidden states come from layer `stopAt` (−1 = last). ONNX exports
 * return only their last layer, so for them only −1 is possible.
 * @throws for an ONNX CLIP and stopAt ≠ −1, or stopAt beyond the tower's depth
 */
export async function clipStoppedAt(clip: SdClip, stopAt: number): Promise<SdClip> {
  if (!clip.layers) {
    if (stopAt === -1) return clip;
    throw new Error(`CLIP "${clip.key}" is an ONNX text encoder that returns only its last layer; stop_at_clip_layer ${stopAt} needs a .safetensors checkpoint`);
  }
  if (stopAt < -clip.layers.count) throw new Error(`CLIP "${clip.key}" has ${clip.layers.count} layers; stop_at_clip_layer ${stopAt} is beyond −${clip.layers.count}`);
  const conversion = readConversion(clip.layers.conversionDir);
  if (!conversion) throw new Error(`CLIP "${clip.key}": its converted graphs in ${clip.layers.conversionDir} are gone (cache cleared?); load the checkpoint again`);
  return { ...clip, textEncoderPath: await textEncoderForLayerOffThread(conversion, stopAt), layers: { ...clip.layers, stopAt } };
}

/**
 * The MODEL with an IP-capable UNet for `adapter`: for a converted single-file checkpoint, the UNet rebuilt with
 * the adapter's decoupled cross-attention (built once per adapter, `models/ldm/ip-unet.ts`); an ONNX checkpoint
 * keeps its own `unet_ip/` (which has its adapter baked in).
 */
export async function withIpUnet(model: SdModel, adapter: { readonly file: string; readonly tokens: number }, signal?: AbortSignal): Promise<SdModel> {
  if (!model.conversionDir) return model;
  const ipUnetPath = await ensureIpUnetOffThread({ conversionDir: model.conversionDir, adapterFile: adapter.file, tokens: adapter.tokens, signal });
  return { ...model, ipUnetPath };
}
