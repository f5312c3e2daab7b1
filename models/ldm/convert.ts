/**
 * Converts an SD1.5 single-file checkpoint (`.safetensors`, LDM layout, F32/F16/BF16) into ONNX graphs with
 * external data, cached under `<cache>/ldm/<content hash>-v<converter version>/` (docs/ldm-checkpoints.md):
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
import { CheckpointKindError } from './errors.js';
import { sourceHash } from './source-hash.js';
import { readUnetStructure } from './unet-config.js';
import { buildLdmUnet } from './unet-graph.js';
import { buildLdmVaeDecoder, buildLdmVaeEncoder, readVaeStructure } from './vae-graph.js';

/** Bump when any graph the converter writes changes, so old cache folders are not reused. */
export const LDM_CONVERTER_VERSION = 1;

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
 * The converted graphs of `file`, converting on first use.
 * @throws SafetensorsError (bad file), CheckpointKindError (not SD1.5), WeightKeyError (missing key, wrong shape)
 */
export async function convertLdmCheckpoint(o: ConvertOptions): Promise<ConvertedCheckpoint> {
  const source = await openSafetensors(o.file);
  try {
    const kind = classifyCheckpoint(source.tensors);
    if (!kind.ok) throw new CheckpointKindError(o.file, kind.what, kind.hint);
    const root = path.join(o.cacheDir, 'ldm');
    const sha256 = await sourceHash(o.file, root, o.signal);
    const dir = path.join(root, `${sha256.slice(0, 24)}-v${LDM_CONVERTER_VERSION}`);
    const cached = readConversion(dir);
    if (cached) return cached;
    let job = running.get(dir);
    if (!job) {
      job = convertInto({ source, dir, sha256, signal: o.signal }).finally(() => running.delete(dir));
      running.set(dir, job);
    }
    return await job;
  } finally {
    await source.close();
  }
}

/** conversion.json of `dir`, or undefined when the folder is absent, half-written or from another version. */
export function readConversion(dir: string): ConvertedCheckpoint | undefined {
  const file = path.join(dir, 'conversion.json');
  if (!existsSync(file)) return undefined;
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as ConvertedCheckpoint;
    if (c.version !== LDM_CONVERTER_VERSION) return undefined;
    const abs = (p: ConvertedPart): ConvertedPart => ({ ...p, model: path.join(dir, path.basename(p.model)) });
    return { ...c, dir, unet: abs(c.unet), vaeDecoder: abs(c.vaeDecoder), vaeEncoder: abs(c.vaeEncoder), textEncoder: abs(c.textEncoder) };
  } catch {
    return undefined;
  }
}

interface Job {
  readonly source: SafetensorsFile;
  readonly dir: string;
  readonly sha256: string;
  readonly signal?: AbortSignal;
}

async function convertInto(j: Job): Promise<ConvertedCheckpoint> {
  const { source } = j;
  const keys = Object.keys(source.tensors);
  const plan = (name: string) => new WeightPlan({ file: source.path, tensors: source.tensors, location: `${name}.onnx.data` });
  const unetW = plan('unet');
  const unet = buildLdmUnet({ structure: readUnetStructure(unetW, keys), weights: unetW });
  const decW = plan('vae_decoder');
  const encW = plan('vae_encoder');
  const vae = readVaeStructure(decW, keys);
  const decoder = buildLdmVaeDecoder(vae, decW);
  const encoder = buildLdmVaeEncoder(vae, encW);
  const textW = plan('text_encoder');
  const textStructure = readHfTextTower(textW, keys, SD15_TEXT_PREFIX);
  const text = buildHfTextTower({ structure: textStructure, weights: textW, prefix: SD15_TEXT_PREFIX });

  const tmp = `${j.dir}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  mkdirSync(tmp, { recursive: true });
  try {
    const parts: [string, { toBytes(): Uint8Array }, WeightPlan][] = [
      ['unet', unet, unetW], ['vae_decoder', decoder, decW], ['vae_encoder', encoder, encW], ['text_encoder', text, textW],
    ];
    const out: Record<string, ConvertedPart> = {};
    for (const [name, graph, w] of parts) {
      writeFileSync(path.join(tmp, `${name}.onnx`), graph.toBytes());
      await w.writeData(source, path.join(tmp, `${name}.onnx.data`), j.signal);
      out[name] = { model: `${name}.onnx`, data: `${name}.onnx.data`, slots: w.entries };
    }
    const conversion = {
      version: LDM_CONVERTER_VERSION, source: source.path, sha256: j.sha256, dir: j.dir,
      unet: out.unet!, vaeDecoder: out.vae_decoder!, vaeEncoder: out.vae_encoder!, textEncoder: out.text_encoder!,
      textLayers: textStructure.layers,
    } satisfies ConvertedCheckpoint;
    writeFileAtomic(path.join(tmp, 'conversion.json'), JSON.stringify(conversion));
    if (!existsSync(j.dir)) renameSync(tmp, j.dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const done = readConversion(j.dir);
  if (!done) throw new Error(`${source.path}: the converted checkpoint in ${j.dir} could not be read back`);
  return done;
}

/**
 * The text encoder graph for ComfyUI's `stop_at_clip_layer` (−1 … −layers), written next to the converted
 * text encoder on first use; it reads the same data file.
 */
export async function textEncoderForLayer(c: ConvertedCheckpoint, stopAtLayer: number): Promise<string> {
  if (stopAtLayer === -1) return c.textEncoder.model;
  const file = path.join(c.dir, `text_encoder-L${stopAtLayer}.onnx`);
  if (existsSync(file)) return file;
  const source = await openSafetensors(c.source);
  try {
    const w = new WeightPlan({ file: c.source, tensors: source.tensors, location: c.textEncoder.data, written: c.textEncoder.slots });
    const structure = readHfTextTower(w, Object.keys(source.tensors), SD15_TEXT_PREFIX);
    writeFileAtomic(file, buildHfTextTower({ structure, weights: w, prefix: SD15_TEXT_PREFIX, stopAtLayer }).toBytes());
    return file;
  } finally {
    await source.close();
  }
}
