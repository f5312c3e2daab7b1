/**
 * Tiny CLIP `.safetensors` files with the real text-tower structure (HF or OpenCLIP layout, quick-GELU or GELU,
 * several heads through config.json) and the tiny tokenizer, for the prompt-learning tests.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ClipActivation } from '../../../models/clip/clip-layers.js';
import { writeSafetensors } from '../../../models/safetensors/write.js';
import { buildOpenClipTensors, openClipToHf, type ClipWeightsConfig } from '../../../models/tiny/clip-safetensors.js';
import { ClipTokenizer } from '../../../models/tokenizers/clip-bpe.js';
import { buildTinyVocab, tokenizerFiles } from '../../../models/tiny/vocab.js';

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
}

/** Writes `<dir>/clip-<layout>-<activation>-L<layers>.safetensors` + config.json; returns the paths. */
export function writeTinyClipWeights(o: TinyClipWeights): { file: string; config: string } {
  const width = o.width ?? 64;
  const c: ClipWeightsConfig = {
    embedDim: o.embedDim ?? 32,
    vision: { width: 64, layers: 1, patchSize: 8, imageSize: 16, mlp: 128 },
    text: { vocabSize: buildTinyVocab().size, positions: 32, width, layers: o.layers, mlp: 4 * width },
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
