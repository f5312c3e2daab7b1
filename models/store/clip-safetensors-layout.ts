/**
 * Recognises CLIP `.safetensors` models (docs/model-folders.md) in `clip/` and `clip_vision/`: a bare file
 * (ComfyUI's `clip_vision/CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors`, recognised by its keys) or a Hugging Face
 * download folder (`model.safetensors` + `config.json` + tokenizer + `preprocessor_config.json`). Only the header
 * is read here; the weights are converted on first use (models/clip/convert-clip.ts).
 * A bare file in `clip/` carries no tokenizer: it is looked up in `<models>/tokenizers/<stem>/`, then the shared
 * CLIP BPE folders (`clip-vit-large-patch14/`, `sd1_tokenizer/`); every OpenAI and OpenCLIP model uses that BPE.
 */
import path from 'node:path';
import { classifyClipKeys, notClipProblem } from '../clip/convert-clip.js';
import { SD15_TOKENIZER_FOLDERS } from '../ldm/tokenizer-dir.js';
import { readSafetensorsHeaderSync } from '../safetensors/read.js';
import { isFile, tokenizerIn } from './folder-probe.js';
import { clipManifestSchema, clipVisionManifestSchema, type ClipSafetensors, type ModelEntry, type TokenizerFiles } from './manifests.js';

/** What the header says, or why the file is not a usable CLIP. */
function probe(file: string, need: 'vision' | 'both'): { ok: true; layout: ClipSafetensors['layout'] } | { ok: false; problem: string } {
  let tensors: Record<string, unknown>;
  try {
    tensors = readSafetensorsHeaderSync(file).tensors;
  } catch (e) {
    return { ok: false, problem: (e as Error).message };
  }
  const kind = classifyClipKeys(tensors);
  if (!kind) return { ok: false, problem: `${file}: ${notClipProblem(tensors)}` };
  if (!kind.vision) return { ok: false, problem: `${file}: has a text tower but no image tower (vision_model.* or visual.*)` };
  if (need === 'both' && !kind.text) {
    return { ok: false, problem: `${file}: has an image tower only; models/clip needs both towers (put image-only encoders in models/clip_vision)` };
  }
  return { ok: true, layout: kind.layout };
}

/** The weights file of an entry: the file itself, or `model.safetensors` in a folder. */
export function clipWeightsFile(fullPath: string): string | undefined {
  if (fullPath.toLowerCase().endsWith('.safetensors')) return isFile(fullPath) ? fullPath : undefined;
  const inDir = path.join(fullPath, 'model.safetensors');
  return isFile(inDir) ? inDir : undefined;
}

function beside(file: string, name: string): string | undefined {
  const dir = path.dirname(file);
  const p = path.join(dir, name);
  return path.basename(file) === 'model.safetensors' && isFile(p) ? p : undefined;
}

function tokenizerFor(file: string): { files?: TokenizerFiles; looked: string[] } {
  const models = path.dirname(path.dirname(file.endsWith('model.safetensors') ? path.dirname(file) : file));
  const root = path.join(models, 'tokenizers');
  const stem = path.basename(file).replace(/\.safetensors$/i, '');
  const dirs = [
    ...(path.basename(file) === 'model.safetensors' ? [path.dirname(file), path.join(path.dirname(file), 'tokenizer')] : []),
    path.join(root, stem), ...SD15_TOKENIZER_FOLDERS.map((d) => path.join(root, d)),
  ];
  return { files: tokenizerIn(dirs), looked: dirs };
}

/** Reads a `.safetensors` CLIP (both towers) for `clip/`; never throws. */
export function readClipSafetensors(fullPath: string, name: string, weights: string): ModelEntry<'clip'> {
  const p = probe(weights, 'both');
  if (!p.ok) return { kind: 'clip', name, ok: false, problems: [p.problem] };
  const tok = tokenizerFor(weights);
  if (!tok.files) {
    return { kind: 'clip', name, ok: false, problems: [
      `${weights}: a CLIP .safetensors carries no tokenizer; put CLIP's BPE files (vocab.json + merges.txt) into one of: ${tok.looked.join(', ')}`,
    ] };
  }
  const config = beside(weights, 'config.json');
  const manifest = clipManifestSchema.parse({
    kind: 'clip', name, dir: path.dirname(weights), tokenizer: tok.files,
    safetensors: { file: weights, layout: p.layout, config },
    preprocessorConfig: beside(weights, 'preprocessor_config.json'), config,
    warnings: [],
  });
  return { kind: 'clip', name, ok: true, manifest };
}

/** Reads a `.safetensors` image encoder for `clip_vision/`; never throws. */
export function readClipVisionSafetensors(fullPath: string, name: string, weights: string): ModelEntry<'clip_vision'> {
  const p = probe(weights, 'vision');
  if (!p.ok) return { kind: 'clip_vision', name, ok: false, problems: [p.problem] };
  const manifest = clipVisionManifestSchema.parse({
    kind: 'clip_vision', name, dir: path.dirname(weights),
    safetensors: { file: weights, layout: p.layout, config: beside(weights, 'config.json') },
    preprocessorConfig: beside(weights, 'preprocessor_config.json'), warnings: [],
  });
  return { kind: 'clip_vision', name, ok: true, manifest };
}
