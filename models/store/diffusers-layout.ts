/**
 * Recognises a diffusers-layout SD1.5 folder with PyTorch weights in `.safetensors` (docs/ldm-checkpoints.md,
 * "Diffusers folders"), as `save_pretrained` / a Hugging Face download writes it:
 * ```
 * model_index.json
 * unet/diffusion_pytorch_model.safetensors + config.json     (or diffusion_pytorch_model.fp16.safetensors)
 * vae/diffusion_pytorch_model.safetensors + config.json
 * text_encoder/model.safetensors + config.json               (or model.fp16.safetensors)
 * tokenizer/vocab.json + merges.txt
 * scheduler/scheduler_config.json
 * ```
 * Only the files are checked here (listing reads no weights); keys and shapes are checked when the loader converts
 * it. `.bin` (pickle) weights and sharded files are out of scope, and said so.
 */
import path from 'node:path';
import { findings, isDir, isFile, tokenizerIn, visibleEntries } from './folder-probe.js';
import { diffusersCheckpointManifestSchema, diffusersFilesSchema, diffusersManifestSchema, type DiffusersFiles, type ModelEntry } from './manifests.js';

/** The component folders and their weights file names, preferred first. */
const COMPONENTS = [
  { key: 'unet', folder: 'unet', names: ['diffusion_pytorch_model.safetensors', 'diffusion_pytorch_model.fp16.safetensors'] },
  { key: 'vae', folder: 'vae', names: ['diffusion_pytorch_model.safetensors', 'diffusion_pytorch_model.fp16.safetensors'] },
  { key: 'textEncoder', folder: 'text_encoder', names: ['model.safetensors', 'model.fp16.safetensors'] },
] as const;

const WEIGHTS = /^(diffusion_pytorch_model|model)(\.[a-z0-9]+)?\.(safetensors|bin)$/i;

/**
 * True when `dir` looks like a PyTorch diffusers folder: a `unet/`, `vae/` or `text_encoder/` holding a weights
 * file, and no ONNX UNet (an ONNX export keeps its own route).
 */
export function isDiffusersWeightsFolder(dir: string): boolean {
  if (isFile(path.join(dir, 'unet', 'model.onnx'))) return false;
  return COMPONENTS.some((c) => visibleEntries(path.join(dir, c.folder)).some((n) => WEIGHTS.test(n)));
}

/** Why a component's weights file is not there, naming what the folder holds instead. */
function missingWeights(dir: string, c: (typeof COMPONENTS)[number]): string {
  const sub = path.join(dir, c.folder);
  const want = `${c.folder}/${c.names[0]}`;
  if (!isDir(sub)) return `${c.folder}/ is missing: expected ${want}`;
  const has = visibleEntries(sub);
  const pickle = has.find((n) => n.endsWith('.bin'));
  if (pickle) return `${c.folder}/${pickle} is a PyTorch pickle: .bin weights are not read (out of scope); download the repo's .safetensors files instead (${want})`;
  const index = has.find((n) => n.endsWith('.safetensors.index.json'));
  if (index) return `${c.folder}/${index}: sharded weights are not supported; expected one ${want}`;
  return `${want} is missing (folder has: ${has.join(', ') || 'nothing'})`;
}

/** The folder's files, or every problem; never throws. */
export function readDiffusersFiles(dir: string, name: string): { ok: true; files: DiffusersFiles } | { ok: false; problems: string[] } {
  const f = findings();
  const found: Partial<Record<(typeof COMPONENTS)[number]['key'], string>> = {};
  const configs: Partial<Record<string, string>> = {};
  for (const c of COMPONENTS) {
    const file = c.names.map((n) => path.join(dir, c.folder, n)).find(isFile);
    if (file) found[c.key] = file;
    else f.problems.push(missingWeights(dir, c));
    const config = path.join(dir, c.folder, 'config.json');
    if (isFile(config)) configs[c.key] = config;
  }
  const at = (rel: string) => (isFile(path.join(dir, rel)) ? path.join(dir, rel) : undefined);
  if (!at('model_index.json')) f.warnings.push('model_index.json is missing (read as a diffusers folder from its unet/, vae/, text_encoder/)');
  if (!found.unet || !found.vae || !found.textEncoder) return { ok: false, problems: f.problems };
  const files = diffusersFilesSchema.parse({
    format: 'diffusers-safetensors', name, dir,
    unet: found.unet, unetConfig: configs.unet,
    vae: found.vae, vaeConfig: configs.vae,
    textEncoder: found.textEncoder, textEncoderConfig: configs.textEncoder,
    tokenizer: tokenizerIn([path.join(dir, 'tokenizer')]),
    schedulerConfig: at('scheduler/scheduler_config.json'),
    modelIndex: at('model_index.json'),
    warnings: f.warnings,
  });
  return { ok: true, files };
}

/** Reads a folder of ComfyUI's `models/diffusers` (DiffusersLoader's `model_path`); never throws. */
export function readDiffusers(dir: string, name: string): ModelEntry<'diffusers'> {
  const broken = (problems: string[]) => ({ kind: 'diffusers' as const, name, ok: false as const, problems });
  if (!isDir(dir)) return broken([`${name} is a file; diffusers models are folders (model_index.json, unet/, vae/, text_encoder/, tokenizer/)`]);
  if (isFile(path.join(dir, 'unet', 'model.onnx'))) {
    return broken([`${name} is an ONNX export: put it in models/checkpoints and load it with CheckpointLoaderSimple or CheckpointLoaderONNX`]);
  }
  const read = readDiffusersFiles(dir, name);
  if (!read.ok) return broken(read.problems);
  return { kind: 'diffusers', name, ok: true, manifest: diffusersManifestSchema.parse({ ...read.files, kind: 'diffusers' }) };
}

/** The `checkpoints/` reading of a diffusers folder (CheckpointLoaderSimple lists them beside single files). */
export function readDiffusersCheckpoint(dir: string, name: string): ModelEntry<'checkpoints'> {
  const read = readDiffusersFiles(dir, name);
  if (!read.ok) return { kind: 'checkpoints', name, ok: false, problems: read.problems };
  return { kind: 'checkpoints', name, ok: true, manifest: diffusersCheckpointManifestSchema.parse({ ...read.files, kind: 'checkpoints' }) };
}
