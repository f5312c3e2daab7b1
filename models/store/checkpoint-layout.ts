/**
 * Recognises an SD1.5 single-file `.safetensors` checkpoint (by extension; docs/ldm-checkpoints.md), a diffusers
 * folder with `.safetensors` weights (diffusers-layout.ts), or an ONNX checkpoint folder (diffusers `OnnxStableDiffusionPipeline` or optimum layout) plus
 * our `unet_ip/` (docs/model-folders.md), and says precisely what a half-there folder lacks.
 */
import path from 'node:path';
import { isDiffusersWeightsFolder, readDiffusersCheckpoint } from './diffusers-layout.js';
import { findings, isDir, isFile, isRepoFurniture, onnxAt, readJsonFile, tokenizerGap, tokenizerIn, visibleEntries, type Findings } from './folder-probe.js';
import { ldmCheckpointManifestSchema, modelIndexSchema, onnxCheckpointManifestSchema, schedulerConfigSchema, type ModelEntry, type OnnxFile } from './manifests.js';

const COMPONENTS = [
  { key: 'textEncoder', folder: 'text_encoder', required: true },
  { key: 'unet', folder: 'unet', required: true },
  { key: 'vaeDecoder', folder: 'vae_decoder', required: true },
  { key: 'vaeEncoder', folder: 'vae_encoder', required: false },
  { key: 'ipUnet', folder: 'unet_ip', required: false },
] as const;

/** Entries a diffusers/optimum export may contain besides the components. */
const KNOWN = new Set(['tokenizer', 'scheduler', 'feature_extractor', 'safety_checker', 'model_index.json', 'onnx']);

const EXPORT_HINT = 'export it to ONNX first (e.g. optimum-cli export onnx --model <repo> <folder>)';

/** Reads `dir` (named `name` in listings) as a checkpoint folder or single `.safetensors` file; never throws. */
export function readCheckpoint(dir: string, name: string): ModelEntry<'checkpoints'> {
  if (isFile(dir) && path.extname(name).toLowerCase() === '.safetensors') {
    const manifest = ldmCheckpointManifestSchema.parse({ kind: 'checkpoints', format: 'ldm-safetensors', name, file: dir, warnings: [] });
    return { kind: 'checkpoints', name, ok: true, manifest };
  }
  if (!isDir(dir)) return { kind: 'checkpoints', name, ok: false, problems: [notAFolder(name)] };
  if (isDiffusersWeightsFolder(dir)) return readDiffusersCheckpoint(dir, name);
  const f = findings();
  const index = readJsonFile(path.join(dir, 'model_index.json'), modelIndexSchema, 'model_index.json', f);
  const parts: Partial<Record<(typeof COMPONENTS)[number]['key'], OnnxFile>> = {};
  for (const c of COMPONENTS) {
    const onnx = onnxAt(dir, `${c.folder}/model.onnx`, f);
    if (onnx) parts[c.key] = onnx;
    else if (isFile(path.join(dir, c.folder, 'model.onnx'))) continue; // present but empty: onnxAt said so
    else if (c.required || listedInIndex(index, c.folder)) f.problems.push(describeMissing(dir, c.folder, c.required));
  }
  const tokenizer = tokenizerIn([path.join(dir, 'tokenizer')]);
  if (!tokenizer) f.problems.push(tokenizerGap(path.join(dir, 'tokenizer'), 'tokenizer/'));
  const schedulerFile = path.join(dir, 'scheduler', 'scheduler_config.json');
  const scheduler = readJsonFile(schedulerFile, schedulerConfigSchema, 'scheduler/scheduler_config.json', f);
  if (!scheduler && !f.problems.some((p) => p.startsWith('scheduler/'))) {
    f.warnings.push('scheduler/scheduler_config.json is missing: the SD1.5 scheduler defaults are used');
  }
  noteUnknown(dir, f);
  if (f.problems.length > 0 || !tokenizer) return { kind: 'checkpoints', name, ok: false, problems: f.problems };
  const manifest = onnxCheckpointManifestSchema.parse({
    kind: 'checkpoints', format: 'onnx-folder', name, dir, ...parts, tokenizer,
    schedulerConfig: scheduler ? schedulerFile : undefined,
    modelIndex: index ? path.join(dir, 'model_index.json') : undefined,
    warnings: f.warnings,
  });
  return { kind: 'checkpoints', name, ok: true, manifest };
}

function notAFolder(name: string): string {
  const ext = path.extname(name).toLowerCase();
  const pytorch = ['.ckpt', '.pt', '.pth', '.bin'].includes(ext);
  return pytorch
    ? `${name} is a PyTorch pickle (${ext}); checkpoints here are SD1.5 .safetensors files or ONNX folders (text_encoder/, unet/, vae_decoder/, tokenizer/): convert it to .safetensors, or ${EXPORT_HINT}`
    : `${name} is a file; checkpoints are SD1.5 ONNX folders (text_encoder/, unet/, vae_decoder/, tokenizer/)`;
}

function listedInIndex(index: Record<string, unknown> | undefined, folder: string): boolean {
  const v = index?.[folder];
  return Array.isArray(v) && v[0] !== null && v[0] !== undefined;
}

/** Why `<folder>/model.onnx` is not there, with what the folder holds instead. */
function describeMissing(dir: string, folder: string, required: boolean): string {
  const why = required ? '' : ' (model_index.json lists it)';
  const sub = path.join(dir, folder);
  if (!isDir(sub)) return `${folder}/ is missing${why}: expected ${folder}/model.onnx`;
  const has = visibleEntries(sub);
  const torch = has.find((n) => /\.(safetensors|bin|ckpt|pt)$/i.test(n));
  if (torch) return `${folder}/ has ${torch} but no model.onnx: this is a PyTorch diffusers folder; ${EXPORT_HINT}`;
  return `${folder}/model.onnx is missing${why} (folder has: ${has.join(', ') || 'nothing'})`;
}

function noteUnknown(dir: string, f: Findings): void {
  const known = new Set<string>([...KNOWN, ...COMPONENTS.map((c) => c.folder)]);
  const unknown = visibleEntries(dir).filter((n) => !known.has(n) && !isRepoFurniture(n));
  if (unknown.length > 0) f.warnings.push(`unknown entries ignored: ${unknown.join(', ')}`);
}
