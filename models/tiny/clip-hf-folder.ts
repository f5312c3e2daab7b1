/**
 * Writes a tiny CLIP as a Hugging Face download folder (`models/clip/<name>/`, docs/model-folders.md): the weights
 * in the HF `CLIPModel` key layout as `model.safetensors` (`vision_model.*`, `visual_projection.weight`,
 * `text_model.*`, `text_projection.weight`, `logit_scale`), its `config.json` (heads and activation, which the
 * shapes do not say), `preprocessor_config.json` and the tiny BPE tokenizer files at the folder root, as an
 * `openai/clip-vit-base-patch32` download has them. The store reads it through the `.safetensors` route and the
 * towers are converted on first use (models/clip/convert-clip.ts), so the default set exercises the real loaders.
 */
import path from 'node:path';
import type { ClipConfig } from '../clip/graphs.js';
import { encodeSafetensors } from '../safetensors/write.js';
import { clipConfigJson, preprocessorConfig } from './clip-folder.js';
import { buildOpenClipTensors, openClipToHf, type ClipWeightsConfig } from './clip-safetensors.js';
import { tokenizerFiles, type TinyVocab } from './vocab.js';
import { writeFileAtomic } from './write-file.js';

/** The weights generator's sizes for a {@link ClipConfig} (MLP 4 · width, as every CLIP). */
export function clipWeightsConfigOf(config: ClipConfig): ClipWeightsConfig {
  const { vision: v, text: t } = config;
  if (t.projectionDim !== v.projectionDim) {
    throw new Error(`CLIP config: text projectionDim ${t.projectionDim} differs from vision ${v.projectionDim}`);
  }
  return {
    embedDim: v.projectionDim,
    vision: { width: v.width, layers: v.layers, patchSize: v.patchSize, imageSize: v.imageSize, mlp: 4 * v.width },
    text: { vocabSize: t.vocabSize, positions: t.maxPositions, width: t.width, layers: t.layers, mlp: 4 * t.width },
  };
}

/** Options of {@link writeClipHfFolder}. */
export interface ClipHfFolderOptions {
  readonly config: ClipConfig;
  readonly vocab: TinyVocab;
  readonly seed: number;
  /** Storage type of the weights; F32 as OpenAI's HF files, F16 as the ViT-H file ComfyUI users have. */
  readonly dtype?: 'F32' | 'F16';
  /** `perceptgraph_tiny` metadata value. */
  readonly label: string;
}

/** Writes the folder and returns the paths written. `config.text.vocabSize` must equal the vocabulary size. */
export function writeClipHfFolder(dir: string, o: ClipHfFolderOptions): string[] {
  if (o.config.text.vocabSize !== o.vocab.size) {
    throw new Error(`CLIP config: text vocabSize ${o.config.text.vocabSize} differs from the vocabulary's ${o.vocab.size} ids`);
  }
  const sizes = clipWeightsConfigOf(o.config);
  const tensors = openClipToHf(buildOpenClipTensors(sizes, o.seed, o.dtype ?? 'F32'), sizes);
  const files: Record<string, Uint8Array | string> = {
    'model.safetensors': encodeSafetensors(tensors, { format: 'pt', perceptgraph_tiny: o.label, seed: String(o.seed) }),
    'config.json': JSON.stringify(clipConfigJson(o.config, o.vocab), null, 2),
    'preprocessor_config.json': JSON.stringify(preprocessorConfig(o.config.vision.imageSize), null, 2),
    ...tokenizerFiles(o.vocab),
  };
  return Object.entries(files).map(([name, data]) => writeFileAtomic(path.join(dir, name), data));
}
