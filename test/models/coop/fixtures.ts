/**
 * Tiny CLIP `.safetensors` files with the real text-tower structure (HF or OpenCLIP layout, quick-GELU or GELU,
 * several heads through config.json) and the tiny tokenizer, for the prompt-learning tests.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ClipActivation } from '../../../models/clip/clip-layers.js';
import { writeSafetensors } from '../../../models/safetensors/write.js';
import { buildOpenClipTensors, openClipToHf, type ClipWeightsConfig } from '../../../models/tiny/clip-safetensors.js';
import { ClipTokenizer } from '../../../models/tokenizers/clip-bpe.js';
import { buildTinyVocab, tokenizerFiles } from '../../../models/tiny/vocab.js';
import { preprocessorConfig } from '../../../models/tiny/clip-folder.js';

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
}

/** Writes `<dir>/clip-<layout>-<activation>-L<layers>.safetensors` + config.json; returns the paths. */
export function writeTinyClipWeights(o: TinyClipWeights): { file: string; config: string } {
  const width = o.width ?? 64;
  const c: ClipWeightsConfig = {
    embedDim: o.embedDim ?? 32,
    vision: { width: 64, layers: 1, patchSize: 8, imageSize: 16, mlp: 128 },
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
}

/**
 * A `.safetensors` CLIP as the store lists it (`clip/<name>/`: HF `model.safetensors`, config.json,
 * preprocessor_config.json for 16-px images, the tiny tokenizer), so DeCLIPLoader loads it and prompt learning
 * finds its text-tower weights. Returns the weights file.
 */
export function writeTinyClipStoreModel(o: TinyClipStoreModel): string {
  const dir = path.join(o.modelsDir, 'clip', o.name);
  const w = writeTinyClipWeights({ dir, layout: 'hf', activation: 'quick_gelu', layers: o.layers ?? 2, embedDim: o.embedDim ?? 32, seed: o.seed, positions: 77 });
  const file = path.join(dir, 'model.safetensors');
  renameSync(w.file, file);
  renameSync(w.config, path.join(dir, 'config.json'));
  writeFileSync(path.join(dir, 'preprocessor_config.json'), JSON.stringify(preprocessorConfig(16)));
  for (const [name, text] of Object.entries(tokenizerFiles(buildTinyVocab()))) writeFileSync(path.join(dir, name), text);
  return file;
}
