/**
 * Recognises CLIP / OpenCLIP ONNX folders (docs/model-folders.md): the split `vision_model.onnx` + `text_model.onnx`
 * (Xenova/transformers.js) and the optimum full `model.onnx`, each at the folder root or under `onnx/`, with the
 * tokenizer and `preprocessor_config.json` at the root (or `tokenizer/`).
 */
import path from 'node:path';
import { z } from 'zod';
import { findings, isDir, isFile, onnxAt, readJsonFile, tokenizerGap, tokenizerIn, visibleEntries, type Findings } from './folder-probe.js';
import { clipManifestSchema, clipVisionManifestSchema, type ModelEntry, type OnnxFile } from './manifests.js';
import { clipWeightsFile, readClipSafetensors, readClipVisionSafetensors } from './clip-safetensors-layout.js';

const LAYOUT = 'expected vision_model.onnx + text_model.onnx (split) or model.onnx (optimum full), at the folder root or under onnx/';

/** The first of `<dir>/<file>` and `<dir>/onnx/<file>` that exists. */
function locate(dir: string, file: string, f: Findings): OnnxFile | undefined {
  return onnxAt(dir, file, f) ?? onnxAt(dir, `onnx/${file}`, f);
}

/** Variant files (`vision_model_fp16.onnx`, `model_quantized.onnx`…) that are not picked up, for hints. */
function variants(dir: string): string[] {
  const names = [...visibleEntries(dir), ...visibleEntries(path.join(dir, 'onnx')).map((n) => `onnx/${n}`)];
  return names.filter((n) => n.endsWith('.onnx') && !/(^|\/)(vision_model|text_model|model)\.onnx$/.test(n));
}

function preprocessorIn(dir: string, f: Findings): string | undefined {
  for (const rel of ['preprocessor_config.json', 'onnx/preprocessor_config.json']) {
    const file = path.join(dir, rel);
    if (isFile(file) && readJsonFile(file, z.looseObject({}), rel, f)) return file;
  }
  return undefined;
}

function noModelProblem(dir: string): string {
  const found = variants(dir);
  const hint = found.length > 0 ? ` (found ${found.join(', ')}; only the unsuffixed fp32 names are loaded)` : '';
  return `no CLIP model found: ${LAYOUT}${hint}`;
}

/** Whether a folder holds ONNX files (then it is read as an ONNX export, whatever else it has). */
function hasOnnx(dir: string): boolean {
  return isDir(dir) && (variants(dir).length > 0 || ['vision_model.onnx', 'text_model.onnx', 'model.onnx'].some((n) => isFile(path.join(dir, n)) || isFile(path.join(dir, 'onnx', n))));
}

/** Reads `dir` as a `clip` model (both towers needed: IQA and DeCLIP encode text and images); never throws. */
export function readClip(dir: string, name: string): ModelEntry<'clip'> {
  const weights = clipWeightsFile(dir);
  if (weights && !hasOnnx(dir)) return readClipSafetensors(dir, name, weights);
  if (!isDir(dir)) return { kind: 'clip', name, ok: false, problems: [`${name} is a file; CLIP models are ONNX folders (${LAYOUT})`] };
  const f = findings();
  const vision = locate(dir, 'vision_model.onnx', f);
  const text = locate(dir, 'text_model.onnx', f);
  const full = locate(dir, 'model.onnx', f);
  if (!full && vision && !text) f.problems.push('text_model.onnx is missing (vision_model.onnx found; a CLIP folder needs both towers or the optimum model.onnx)');
  else if (!full && text && !vision) f.problems.push('vision_model.onnx is missing (text_model.onnx found; a CLIP folder needs both towers or the optimum model.onnx)');
  else if (!full && !vision && !text && f.problems.length === 0) f.problems.push(noModelProblem(dir));
  const tokenizer = tokenizerIn([dir, path.join(dir, 'tokenizer')]);
  if (!tokenizer) f.problems.push(tokenizerGap(dir, 'the folder root (or tokenizer/)'));
  const preprocessorConfig = preprocessorIn(dir, f);
  if (!preprocessorConfig) f.warnings.push('preprocessor_config.json is missing: CLIP defaults are used (224, bicubic, OpenAI mean/std)');
  const configFile = path.join(dir, 'config.json');
  const config = isFile(configFile) && readJsonFile(configFile, z.looseObject({}), 'config.json', f) ? configFile : undefined;
  if (f.problems.length > 0 || !tokenizer) return { kind: 'clip', name, ok: false, problems: f.problems };
  const manifest = clipManifestSchema.parse({
    kind: 'clip', name, dir, vision, text, full, tokenizer, preprocessorConfig, config, warnings: f.warnings,
  });
  return { kind: 'clip', name, ok: true, manifest };
}

/** Reads `dir` as a `clip_vision` model (image tower only); never throws. */
export function readClipVision(dir: string, name: string): ModelEntry<'clip_vision'> {
  const weights = clipWeightsFile(dir);
  if (weights && !hasOnnx(dir)) return readClipVisionSafetensors(dir, name, weights);
  if (!isDir(dir)) {
    return { kind: 'clip_vision', name, ok: false, problems: [`${name} is a file; CLIP vision models are ONNX folders with vision_model.onnx`] };
  }
  const f = findings();
  let vision = locate(dir, 'vision_model.onnx', f);
  if (!vision) {
    vision = locate(dir, 'model.onnx', f);
    if (vision) f.warnings.push('using model.onnx as the image encoder (no vision_model.onnx)');
  }
  if (!vision && f.problems.length === 0) f.problems.push(`vision_model.onnx is missing: ${noModelProblem(dir)}`);
  const preprocessorConfig = preprocessorIn(dir, f);
  if (f.problems.length > 0 || !vision) return { kind: 'clip_vision', name, ok: false, problems: f.problems };
  const manifest = clipVisionManifestSchema.parse({ kind: 'clip_vision', name, dir, vision, preprocessorConfig, warnings: f.warnings });
  return { kind: 'clip_vision', name, ok: true, manifest };
}
