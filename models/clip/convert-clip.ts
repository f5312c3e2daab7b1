/**
 * Converts a CLIP `.safetensors` file (HF `CLIPModel` / `CLIPVisionModelWithProjection` layout or the OpenCLIP
 * layout, F32/F16/BF16) into ONNX graphs with external data, cached under
 * `<cache>/clip/<content hash>-v<converter version>/` (docs/model-folders.md):
 * ```
 * vision_model.onnx + .data   pixel_values → image_embeds, last_hidden_state, penultimate_hidden_states
 * text_model.onnx + .data     input_ids (int64) → text_embeds, last_hidden_state, pooler_output (when the file has a text tower)
 * conversion.json             written last
 * ```
 * The graphs have the split-export signature, so the existing CLIP towers (clip-towers.ts) run them unchanged.
 * Every key and shape is checked before a weight is written; weights stream one tensor at a time.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { sourceHash } from '../ldm/source-hash.js';
import { openSafetensors, type SafetensorsFile, type SafetensorsTensorInfo } from '../safetensors/read.js';
import { writeFileAtomic } from '../tiny/write-file.js';
import { WeightPlan } from '../weights/weight-plan.js';
import type { ClipKeyLayout } from './clip-layers.js';
import { buildHfTextTower, hfClipTextConfigSchema, readHfTextTower, type HfTextTowerStructure } from './hf-text-tower.js';
import { buildClipVisionTower, hfClipVisionConfigSchema, readClipVisionTower, type ClipVisionStructure } from './vision-tower.js';

/** Bump when a graph the converter writes changes, so old cache folders are not reused. */
export const CLIP_CONVERTER_VERSION = 1;

/** What a CLIP weights file holds, from its keys alone. */
export interface ClipFileKind {
  readonly layout: ClipKeyLayout;
  readonly vision: boolean;
  readonly text: boolean;
}

/** A file that is not a CLIP in a layout we read; the message names the file. */
export class ClipFileError extends Error {
  override readonly name = 'ClipFileError';
  constructor(readonly file: string, problem: string) {
    super(`${file}: ${problem}`);
  }
}

/**
 * Recognises the layout by keys: `vision_model.embeddings.patch_embedding.weight` / `text_model.embeddings.*` (HF),
 * `visual.conv1.weight` / `token_embedding.weight` (OpenCLIP).
 * @returns undefined when neither layout's keys are there
 */
export function classifyClipKeys(tensors: Readonly<Record<string, unknown>>): ClipFileKind | undefined {
  const has = (k: string) => k in tensors;
  const hf = { vision: has('vision_model.embeddings.patch_embedding.weight'), text: has('text_model.embeddings.token_embedding.weight') };
  if (hf.vision || hf.text) return { layout: 'hf', ...hf };
  const oc = { vision: has('visual.conv1.weight'), text: has('token_embedding.weight') && has('positional_embedding') };
  if (oc.vision || oc.text) return { layout: 'openclip', ...oc };
  return undefined;
}

/** Why a file is not a CLIP, for the store and the loaders. */
export function notClipProblem(tensors: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(tensors);
  const sample = keys.slice(0, 3).join(', ');
  return `not a CLIP encoder: expected vision_model.* / text_model.* keys (Hugging Face layout) or visual.conv1.weight / ` +
    `transformer.resblocks.* (OpenCLIP layout); the file has ${keys.length} tensors (${sample}${keys.length > 3 ? ', …' : ''})`;
}

/** HF config.json: a `CLIPConfig` (`text_config`, `vision_config`) or one tower's config. */
const configSchema = z.looseObject({
  text_config: hfClipTextConfigSchema.optional(),
  vision_config: hfClipVisionConfigSchema.optional(),
  model_type: z.string().optional(),
});

interface TowerConfigs {
  readonly text?: z.infer<typeof hfClipTextConfigSchema>;
  readonly vision?: z.infer<typeof hfClipVisionConfigSchema>;
}

function readConfig(file: string | undefined): TowerConfigs {
  if (!file) return {};
  const c = configSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const single = c.model_type === 'clip_vision_model' ? { vision: hfClipVisionConfigSchema.parse(c) } : c.model_type === 'clip_text_model' ? { text: hfClipTextConfigSchema.parse(c) } : {};
  return { text: c.text_config, vision: c.vision_config, ...single };
}

/** One converted tower. */
export interface ConvertedTower<S> {
  /** Absolute path of the `.onnx` file. */
  readonly model: string;
  readonly structure: S;
}

/** What the cache folder holds. */
export interface ConvertedClip {
  readonly version: number;
  readonly source: string;
  readonly sha256: string;
  readonly dir: string;
  readonly layout: ClipKeyLayout;
  readonly vision?: ConvertedTower<ClipVisionStructure>;
  readonly text?: ConvertedTower<HfTextTowerStructure>;
}

/** Options of {@link convertClipFile}. */
export interface ConvertClipOptions {
  readonly file: string;
  /** `<data>/cache`. */
  readonly cacheDir: string;
  /** HF `config.json` beside the weights, when there is one (heads, activation). */
  readonly config?: string;
  readonly signal?: AbortSignal;
}

const running = new Map<string, Promise<ConvertedClip>>();

/**
 * The converted graphs of `file`, converting on first use.
 * @throws SafetensorsError (truncated or corrupt file), ClipFileError (not a CLIP), WeightKeyError (missing key,
 *   wrong shape) — each naming the file
 */
export async function convertClipFile(o: ConvertClipOptions): Promise<ConvertedClip> {
  const source = await openSafetensors(o.file);
  try {
    const kind = classifyClipKeys(source.tensors);
    if (!kind) throw new ClipFileError(o.file, notClipProblem(source.tensors));
    const root = path.join(o.cacheDir, 'clip');
    const sha256 = await sourceHash(o.file, root, o.signal);
    const dir = path.join(root, `${sha256.slice(0, 24)}-v${CLIP_CONVERTER_VERSION}`);
    const cached = readConversion(dir);
    if (cached) return cached;
    let job = running.get(dir);
    if (!job) {
      job = convertInto({ source, kind, dir, sha256, config: o.config, signal: o.signal }).finally(() => running.delete(dir));
      running.set(dir, job);
    }
    return await job;
  } finally {
    await source.close();
  }
}

function readConversion(dir: string): ConvertedClip | undefined {
  const file = path.join(dir, 'conversion.json');
  if (!existsSync(file)) return undefined;
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as ConvertedClip;
    if (c.version !== CLIP_CONVERTER_VERSION) return undefined;
    const abs = <S>(t?: ConvertedTower<S>) => (t ? { ...t, model: path.join(dir, path.basename(t.model)) } : undefined);
    return { ...c, dir, vision: abs(c.vision), text: abs(c.text) };
  } catch {
    return undefined; // half-written or foreign: convert again
  }
}

interface Job {
  readonly source: SafetensorsFile;
  readonly kind: ClipFileKind;
  readonly dir: string;
  readonly sha256: string;
  readonly config?: string;
  readonly signal?: AbortSignal;
}

type Part = { name: string; graph: { toBytes(): Uint8Array }; plan: WeightPlan };

function plan(file: string, tensors: Readonly<Record<string, SafetensorsTensorInfo>>, name: string): WeightPlan {
  return new WeightPlan({ file, tensors, location: `${name}.onnx.data` });
}

async function convertInto(j: Job): Promise<ConvertedClip> {
  const { source, kind } = j;
  const keys = Object.keys(source.tensors);
  const config = readConfig(j.config);
  const parts: Part[] = [];
  let vision: ClipVisionStructure | undefined;
  let text: HfTextTowerStructure | undefined;
  if (kind.vision) {
    const w = plan(source.path, source.tensors, 'vision_model');
    vision = readClipVisionTower(w, keys, { layout: kind.layout, config: config.vision });
    parts.push({ name: 'vision_model', graph: buildClipVisionTower(vision, w), plan: w });
  }
  if (kind.text) {
    const w = plan(source.path, source.tensors, 'text_model');
    const hf = kind.layout === 'hf';
    const prefix = hf ? 'text_model.' : '';
    text = readHfTextTower(w, keys, prefix, { layout: kind.layout, config: config.text, projectionKey: hf ? 'text_projection.weight' : 'text_projection' });
    parts.push({ name: 'text_model', graph: buildHfTextTower({ structure: text, weights: w, prefix, idsType: 'int64' }), plan: w });
  }
  const tmp = `${j.dir}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  mkdirSync(tmp, { recursive: true });
  try {
    for (const p of parts) {
      writeFileSync(path.join(tmp, `${p.name}.onnx`), p.graph.toBytes());
      await p.plan.writeData(source, path.join(tmp, `${p.name}.onnx.data`), j.signal);
    }
    const conversion: ConvertedClip = {
      version: CLIP_CONVERTER_VERSION, source: source.path, sha256: j.sha256, dir: j.dir, layout: kind.layout,
      vision: vision && { model: 'vision_model.onnx', structure: vision },
      text: text && { model: 'text_model.onnx', structure: text },
    };
    writeFileAtomic(path.join(tmp, 'conversion.json'), JSON.stringify(conversion));
    if (!existsSync(j.dir)) renameSync(tmp, j.dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const done = readConversion(j.dir);
  if (!done) throw new Error(`${source.path}: the converted CLIP in ${j.dir} could not be read back`);
  return done;
}
