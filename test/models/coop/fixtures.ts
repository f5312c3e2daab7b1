/**
 * Tiny CLIP `.safetensors` files with the real text-tower structure (HF or OpenCLIP layout, quick-GELU or GELU,
 * several heads through config.json) and the tiny tokenizer, and the probe CLIP with such a text tower, for the
 * prompt-learning tests.
 */
import { copyFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ClipActivation } from '../../../models/clip/clip-layers.js';
import { writeSafetensors } from '../../../models/safetensors/write.js';
import { buildOpenClipTensors, openClipToHf, type ClipWeightsConfig } from '../../../models/tiny/clip-safetensors.js';
import { ClipTokenizer } from '../../../models/tokenizers/clip-bpe.js';
import { buildTinyVocab, tokenizerFiles } from '../../../models/tiny/vocab.js';
import { preprocessorConfig } from '../../../models/tiny/clip-folder.js';
import { PROBE_VISION_CONFIG, probeTextConfig, writeProbeClipFolder } from '../../../models/tiny/clip-probe.js';
import { convertClipFile } from '../../../models/clip/convert-clip.js';
import type { TextTowerSource } from '../../../models/coop/text-tower-source.js';

/** Options of {@link writeTinyClipWeights}. */
export interface TinyClipWeights {
  readonly dir: string;
  readonly layout: 'hf' | 'openclip';
  readonly activation: ClipActivation;
  readonly layers: number;
  readonly width?: number;
  readonly heads?: number;
  readonly embedDim?: number;
  readonly seed?: number;
  /** Token positions (default 32; 77, CLIP's, for a model DeclipModel encodes texts with). */
  readonly positions?: number;
  /** Image side of the vision tower (default 16; patches are 8 px). */
  readonly imageSize?: number;
}

/** Writes `<dir>/clip-<layout>-<activation>-L<layers>.safetensors` + config.json; returns the paths. */
export function writeTinyClipWeights(o: TinyClipWeights): { file: string; config: string } {
  const width = o.width ?? 64;
  const c: ClipWeightsConfig = {
    embedDim: o.embedDim ?? 32,
    vision: { width: 64, layers: 1, patchSize: 8, imageSize: o.imageSize ?? 16, mlp: 128 },
    text: { vocabSize: buildTinyVocab().size, positions: o.positions ?? 32, width, layers: o.layers, mlp: 4 * width },
  };
  const oc = buildOpenClipTensors(c, o.seed ?? 3);
  const base = path.join(o.dir, `clip-${o.layout}-${o.activation}-L${o.layers}-w${width}`);
  mkdirSync(o.dir, { recursive: true });
  writeSafetensors(`${base}.safetensors`, o.layout === 'hf' ? openClipToHf(oc, c) : oc);
  const config = `${base}.config.json`;
  writeFileSync(config, JSON.stringify({ model_type: 'clip', text_config: { num_attention_heads: o.heads ?? 4, hidden_act: o.activation } }));
  return { file: `${base}.safetensors`, config };
}

/** The tiny CLIP tokenizer (its files written under `dir`). */
export async function tinyTokenizer(dir: string): Promise<ClipTokenizer> {
  const tok = path.join(dir, 'tokenizer');
  mkdirSync(tok, { recursive: true });
  for (const [name, text] of Object.entries(tokenizerFiles(buildTinyVocab()))) writeFileSync(path.join(tok, name), text);
  return ClipTokenizer.fromDir(tok);
}

/** Options of {@link writeTinyClipStoreModel}. */
export interface TinyClipStoreModel {
  /** `<data>/models`. */
  readonly modelsDir: string;
  readonly name: string;
  readonly seed?: number;
  readonly embedDim?: number;
  readonly layers?: number;
  /** Image side (default 16). */
  readonly imageSize?: number;
}

/**
 * A `.safetensors` CLIP as the store lists it (`clip/<name>/`: HF `model.safetensors`, config.json,
 * preprocessor_config.json for 16-px images, the tiny tokenizer), so DeCLIPLoader loads it and prompt learning
 * finds its text-tower weights. Returns the weights file.
 */
export function writeTinyClipStoreModel(o: TinyClipStoreModel): string {
  const dir = path.join(o.modelsDir, 'clip', o.name);
  const w = writeTinyClipWeights({ dir, layout: 'hf', activation: 'quick_gelu', layers: o.layers ?? 2, embedDim: o.embedDim ?? 32, seed: o.seed, positions: 77, imageSize: o.imageSize });
  const file = path.join(dir, 'model.safetensors');
  renameSync(w.file, file);
  renameSync(w.config, path.join(dir, 'config.json'));
  writeFileSync(path.join(dir, 'preprocessor_config.json'), JSON.stringify(preprocessorConfig(o.imageSize ?? 16)));
  for (const [name, text] of Object.entries(tokenizerFiles(buildTinyVocab()))) writeFileSync(path.join(dir, name), text);
  return file;
}

/** Options of {@link writeProbeClipStoreModel}. */
export interface ProbeClipStoreModel {
  /** `<data>/models`. */
  readonly modelsDir: string;
  /** `<data>/cache` (the text tower's conversion goes there). */
  readonly cacheDir: string;
  readonly name: string;
  readonly seed?: number;
}

/**
 * The probe CLIP (`models/tiny/clip-probe.ts`: a ViT plus a local-energy descriptor, so its image embedding sees
 * blur, noise and JPEG) as a store folder whose text tower prompt learning can rebuild: the probe's image tower is
 * ONNX only, so the folder holds the probe's `vision_model.onnx` and, as `text_model.onnx`, the conversion of an HF
 * `.safetensors` text tower of the probe's sizes (width 256, 2 layers, 4 heads, P = 64). The weights file is
 * returned as the text-tower source, so the learned prompt, the zero-shot pair (DeclipModel.encodeTexts) and the
 * prompt's own baseline all run the same text weights. The store lists the folder as an ONNX CLIP, so `iqa tune`
 * itself refuses it (it finds no weights in the folder); tests pass the source with the loaded model.
 */
export async function writeProbeClipStoreModel(o: ProbeClipStoreModel): Promise<TextTowerSource> {
  const vocab = buildTinyVocab();
  const text = probeTextConfig(vocab.size);
  const w = writeTinyClipWeights({
    dir: path.join(o.modelsDir, '..', 'probe-text-weights'), layout: 'hf', activation: 'quick_gelu', layers: text.layers, width: text.width,
    heads: text.heads, embedDim: text.projectionDim, positions: text.maxPositions, seed: o.seed ?? 5,
  });
  const converted = (await convertClipFile({ file: w.file, cacheDir: o.cacheDir, config: w.config })).text!.model;
  const dir = path.join(o.modelsDir, 'clip', o.name);
  writeProbeClipFolder(dir, { config: { vision: PROBE_VISION_CONFIG, text, logitScale: 100 }, vocab, seed: o.seed ?? 1 });
  // The converted graph names its weight data `<model>.data` beside it; keep that name.
  copyFileSync(converted, path.join(dir, 'text_model.onnx'));
  copyFileSync(`${converted}.data`, path.join(dir, `${path.basename(converted)}.data`));
  return { file: w.file, config: w.config, name: o.name };
}
