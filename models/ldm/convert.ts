/**
 * Converts an SD1.5 single-file checkpoint (`.safetensors`, LDM layout, F32/F16/BF16), or a diffusers folder read
 * in LDM keys (checkpoint-source.ts), into ONNX graphs with external data, cached under
 * `<cache>/ldm/[diffusers-]<content hash>-v<converter version>/` (docs/ldm-checkpoints.md):
 * ```
 * unet.onnx + unet.onnx.data                      sample, timestep, encoder_hidden_states → out_sample
 * vae_decoder.onnx + vae_decoder.onnx.data        latent_sample → sample
 * vae_encoder.onnx + vae_encoder.onnx.data        sample → latent_parameters
 * text_encoder.onnx + text_encoder.onnx.data      input_ids → last_hidden_state (stop_at_clip_layer −1)
 * text_encoder-L<n>.onnx                          other CLIPSetLastLayer values, made on demand, same data file
 * conversion.json                                 written last: the slots of every data file
 * ```
 * Every graph is built (and every key and shape checked) before any weight is written; weights are then streamed
 * one tensor at a time, so the conversion holds no second copy of the checkpoint. A second start finds
 * conversion.json and only creates sessions.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildHfTextTower, readHfTextTower } from '../clip/hf-text-tower.js';
import { openSafetensors, type SafetensorsFile } from '../safetensors/read.js';
import { writeFileAtomic } from '../tiny/write-file.js';
import { type PlannedWeight, WeightPlan } from '../weights/weight-plan.js';
import { classifyCheckpoint } from './checkpoint-kind.js';
import { openCheckpointSource, type CheckpointSource } from './checkpoint-source.js';
import { CheckpointKindError } from './errors.js';
import { sourceHash } from './source-hash.js';
import { readUnetStructure } from './unet-config.js';
import { buildLdmUnet } from './unet-graph.js';
import { buildLdmVaeDecoder, buildLdmVaeEncoder, readVaeStructure } from './vae-graph.js';

/** Bump when any graph the converter writes changes, so old cache folders are not reused. */
export const LDM_CONVERTER_VERSION = 2;

/** The text tower's key prefix in an SD1.5 checkpoint. */
export const SD15_TEXT_PREFIX = 'cond_stage_model.transformer.text_model.';

/** One converted graph and its data file's slots. */
export interface ConvertedPart {
  /** Absolute path of the `.onnx` file. */
  readonly model: string;
  /** The data file's name, next to the model. */
  readonly data: string;
  readonly slots: readonly PlannedWeight[];
}

/** What the cache folder holds (conversion.json, with paths made absolute on read). */
export interface ConvertedCheckpoint {
  readonly version: number;
  readonly source: string;
  readonly sha256: string;
  readonly dir: string;
  readonly unet: ConvertedPart;
  readonly vaeDecoder: ConvertedPart;
  readonly vaeEncoder: ConvertedPart;
  readonly textEncoder: ConvertedPart;
  /** Layers of the text tower (for CLIPSetLastLayer's range). */
  readonly textLayers: number;
  /** Rows of the token embedding: a tokenizer must not produce ids at or above it. */
  readonly textVocab: number;
}

/** Options of {@link convertLdmCheckpoint}. */
export interface ConvertOptions {
  readonly file: string;
  /** `<data>/cache`. */
  readonly cacheDir: string;
  readonly signal?: AbortSignal;
}

const running = new Map<string, Promise<ConvertedCheckpoint>>();

/**
 * The converted graphs of `file` (a `.safetensors` file or a diffusers folder), converting on first use.
 * @throws SafetensorsError (bad file), CheckpointKindError (not SD1.5), WeightKeyError (missing key, wrong shape),
 *   an Error naming a diffusers folder's missing or unreadable part
 */
export async function convertLdmCheckpoint(o: ConvertOptions): Promise<ConvertedCheckpoint> {
  const source = await openCheckpointSource(o.file);
  try {
    const root = path.join(o.cacheDir, 'ldm');
    const { name, sha256 } = await source.cacheName(root, o.signal);
    const dir = path.join(root, `${name}-v${LDM_CONVERTER_VERSION}`);
    const cached = readConversion(dir);
    if (cached) return cached;
    let job = running.get(dir);
    if (!job) {
      job = convertInto({ source, dir, sha256, signal: o.signal }).finally(() => running.delete(dir));
      running.set(dir, job);
    }
    return await job;
  } finally {
    await source.file.close();
  }
}

const CHECKPOINT_PARTS = ['unet', 'vaeDecoder', 'vaeEncoder', 'textEncoder'] as const;

/** conversion.json of `dir`, or undefined when the folder is absent, half-written or from another version. */
export function readConversion(dir: string): ConvertedCheckpoint | undefined {
  return readPartsFile<ConvertedCheckpoint>(dir, CHECKPOINT_PARTS);
}

/** Reads `<dir>/conversion.json` and makes the parts' model paths absolute. */
function readPartsFile<T extends { version: number; dir: string }>(dir: string, parts: readonly string[]): T | undefined {
  const file = path.join(dir, 'conversion.json');
  if (!existsSync(file)) return undefined;
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    if (c.version !== LDM_CONVERTER_VERSION) return undefined;
    const out: Record<string, unknown> = { ...c, dir };
    for (const p of parts) {
      const part = c[p] as ConvertedPart;
      out[p] = { ...part, model: path.join(dir, path.basename(part.model)) };
    }
    return out as T;
  } catch {
    return undefined;
  }
}

interface WriteJob {
  readonly source: SafetensorsFile;
  readonly dir: string;
  readonly signal?: AbortSignal;
  /** Field name in conversion.json → [file stem, graph, weights]. */
  readonly parts: Readonly<Record<string, readonly [string, { toBytes(): Uint8Array }, WeightPlan]>>;
  /** Other conversion.json fields. */
  readonly extra: Record<string, unknown>;
}

/** Writes every part's graph and data into a temp folder, then conversion.json, then renames it to `dir`. */
async function writeParts(j: WriteJob): Promise<void> {
  const tmp = `${j.dir}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  mkdirSync(tmp, { recursive: true });
  try {
    const out: Record<string, ConvertedPart> = {};
    for (const [field, [name, graph, w]] of Object.entries(j.parts)) {
      writeFileSync(path.join(tmp, `${name}.onnx`), graph.toBytes());
      await w.writeData(j.source, path.join(tmp, `${name}.onnx.data`), j.signal);
      out[field] = { model: `${name}.onnx`, data: `${name}.onnx.data`, slots: w.entries };
    }
    writeFileAtomic(path.join(tmp, 'conversion.json'), JSON.stringify({ ...j.extra, ...out }));
    if (!existsSync(j.dir)) renameSync(tmp, j.dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

interface Job {
  readonly source: CheckpointSource;
  readonly dir: string;
  readonly sha256: string;
  readonly signal?: AbortSignal;
}

async function convertInto(j: Job): Promise<ConvertedCheckpoint> {
  const { file: source, origin } = j.source;
  const keys = Object.keys(source.tensors);
  const plan = (name: string) => new WeightPlan({ file: source.path, tensors: source.tensors, location: `${name}.onnx.data`, origin });
  const unetW = plan('unet');
  const unet = buildLdmUnet({ structure: readUnetStructure(unetW, keys, j.source.unetHeads), weights: unetW });
  const decW = plan('vae_decoder');
  const encW = plan('vae_encoder');
  const vae = readVaeStructure(decW, keys);
  const textW = plan('text_encoder');
  const text = readHfTextTower(textW, keys, SD15_TEXT_PREFIX, { config: j.source.textConfig });
  const parts = {
    unet: ['unet', unet, unetW],
    vaeDecoder: ['vae_decoder', buildLdmVaeDecoder(vae, decW), decW],
    vaeEncoder: ['vae_encoder', buildLdmVaeEncoder(vae, encW), encW],
    textEncoder: ['text_encoder', buildHfTextTower({ structure: text, weights: textW, prefix: SD15_TEXT_PREFIX }), textW],
  } as const;
  const extra = { version: LDM_CONVERTER_VERSION, source: source.path, sha256: j.sha256, textLayers: text.layers, textVocab: text.vocabSize };
  await writeParts({ source, dir: j.dir, signal: j.signal, parts, extra });
  const done = readConversion(j.dir);
  if (!done) throw new Error(`${source.path}: the converted checkpoint in ${j.dir} could not be read back`);
  return done;
}

/** A converted standalone VAE (`<cache>/ldm/vae-<hash>-v<version>/`). */
export interface ConvertedVae {
  readonly version: number;
  readonly source: string;
  readonly sha256: string;
  readonly dir: string;
  readonly vaeDecoder: ConvertedPart;
  readonly vaeEncoder: ConvertedPart;
}

/**
 * The converted graphs of a standalone AutoencoderKL file (`vae/*.safetensors`: `encoder.*`, `decoder.*`,
 * `quant_conv.*`, `post_quant_conv.*`), converting on first use.
 * @throws SafetensorsError (bad file), CheckpointKindError (not a VAE), WeightKeyError (missing key, wrong shape)
 */
export async function convertLdmVae(o: ConvertOptions): Promise<ConvertedVae> {
  const source = await openSafetensors(o.file);
  try {
    const keys = Object.keys(source.tensors);
    if (!keys.some((k) => k.startsWith('decoder.up.')) || !('post_quant_conv.weight' in source.tensors)) {
      const kind = classifyCheckpoint(source.tensors);
      const what = kind.ok ? 'a full SD1.5 checkpoint' : kind.what;
      const hint = 'a VAE file holds encoder.*, decoder.*, quant_conv and post_quant_conv (e.g. vae-ft-mse-840000-ema-pruned.safetensors)';
      throw new CheckpointKindError(o.file, what, hint, 'a standalone VAE');
    }
    const root = path.join(o.cacheDir, 'ldm');
    const sha256 = await sourceHash(o.file, root, o.signal);
    const dir = path.join(root, `vae-${sha256.slice(0, 24)}-v${LDM_CONVERTER_VERSION}`);
    const done = readPartsFile<ConvertedVae>(dir, ['vaeDecoder', 'vaeEncoder']);
    if (done) return done;
    const decW = new WeightPlan({ file: o.file, tensors: source.tensors, location: 'vae_decoder.onnx.data' });
    const encW = new WeightPlan({ file: o.file, tensors: source.tensors, location: 'vae_encoder.onnx.data' });
    const vae = readVaeStructure(decW, keys, '');
    const parts = { vaeDecoder: ['vae_decoder', buildLdmVaeDecoder(vae, decW, ''), decW], vaeEncoder: ['vae_encoder', buildLdmVaeEncoder(vae, encW, ''), encW] } as const;
    await writeParts({ source, dir, signal: o.signal, parts, extra: { version: LDM_CONVERTER_VERSION, source: o.file, sha256 } });
    const read = readPartsFile<ConvertedVae>(dir, ['vaeDecoder', 'vaeEncoder']);
    if (!read) throw new Error(`${o.file}: the converted VAE in ${dir} could not be read back`);
    return read;
  } finally {
    await source.close();
  }
}

/**
 * The text encoder graph for ComfyUI's `stop_at_clip_layer` (−1 … −layers), written next to the converted
 * text encoder on first use; it reads the same data file.
 */
export async function textEncoderForLayer(c: ConvertedCheckpoint, stopAtLayer: number): Promise<string> {
  if (stopAtLayer === -1) return c.textEncoder.model;
  const file = path.join(c.dir, `text_encoder-L${stopAtLayer}.onnx`);
  if (existsSync(file)) return file;
  const source = await openCheckpointSource(c.source);
  try {
    const { tensors } = source.file;
    const w = new WeightPlan({ file: c.source, tensors, location: c.textEncoder.data, written: c.textEncoder.slots, origin: source.origin });
    const structure = readHfTextTower(w, Object.keys(tensors), SD15_TEXT_PREFIX, { config: source.textConfig });
    writeFileAtomic(file, buildHfTextTower({ structure, weights: w, prefix: SD15_TEXT_PREFIX, stopAtLayer }).toBytes());
    return file;
  } finally {
    await source.file.close();
  }
}
