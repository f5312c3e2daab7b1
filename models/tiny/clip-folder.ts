/**
 * Writes a CLIP model folder (`models/clip/<name>/`): the split files `vision_model.onnx` and `text_model.onnx`,
 * the optimum full `model.onnx`, HF `config.json`, `preprocessor_config.json` (OpenAI mean/std, bicubic shortest
 * side then center crop) and the tiny tokenizer files (`vocab.json`, `merges.txt`, …) at the folder root.
 */
import path from 'node:path';
import { type ClipConfig, buildClipFull, buildClipText, buildClipVision, type BuildOptions } from '../clip/graphs.js';
import type { TinyVocab } from './vocab.js';
import { tokenizerFiles } from './vocab.js';
import { writeFileAtomic } from './write-file.js';

/** OpenAI CLIP normalisation constants. */
export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];

/** HF CLIPImageProcessor config for side S. */
export function preprocessorConfig(imageSize: number): Record<string, unknown> {
  return {
    image_processor_type: 'CLIPImageProcessor',
    feature_extractor_type: 'CLIPFeatureExtractor',
    do_resize: true,
    size: { shortest_edge: imageSize },
    resample: 3,
    do_center_crop: true,
    crop_size: { height: imageSize, width: imageSize },
    do_rescale: true,
    rescale_factor: 1 / 255,
    do_normalize: true,
    image_mean: CLIP_MEAN,
    image_std: CLIP_STD,
    do_convert_rgb: true,
  };
}

/** HF CLIPConfig-shaped `config.json`; the text part names the tiny vocabulary's bos/eos/pad ids. */
export function clipConfigJson(config: ClipConfig, vocab: TinyVocab): Record<string, unknown> {
  const { vision: v, text: t } = config;
  return {
    architectures: ['CLIPModel'],
    model_type: 'clip',
    projection_dim: v.projectionDim,
    logit_scale_init_value: Math.log(config.logitScale),
    text_config: {
      model_type: 'clip_text_model',
      vocab_size: t.vocabSize,
      hidden_size: t.width,
      intermediate_size: 4 * t.width,
      num_hidden_layers: t.layers,
      num_attention_heads: t.heads,
      max_position_embeddings: t.maxPositions,
      projection_dim: t.projectionDim,
      hidden_act: 'quick_gelu',
      bos_token_id: vocab.bosId,
      eos_token_id: vocab.eosId,
      pad_token_id: vocab.eosId,
    },
    vision_config: {
      model_type: 'clip_vision_model',
      image_size: v.imageSize,
      patch_size: v.patchSize,
      hidden_size: v.width,
      intermediate_size: 4 * v.width,
      num_hidden_layers: v.layers,
      num_attention_heads: v.heads,
      projection_dim: v.projectionDim,
      hidden_act: 'quick_gelu',
    },
  };
}

/** Writes the folder and returns the paths written. `config.text.vocabSize` must equal the vocabulary size. */
export function writeClipFolder(
  dir: string,
  o: { config: ClipConfig; vocab: TinyVocab; seed: number; build?: BuildOptions },
): string[] {
  if (o.config.text.vocabSize !== o.vocab.size) {
    throw new Error(`CLIP config: text vocabSize ${o.config.text.vocabSize} differs from the vocabulary's ${o.vocab.size} ids`);
  }
  const files: Record<string, Uint8Array | string> = {
    'vision_model.onnx': buildClipVision(o.config.vision, o.seed, o.build),
    'text_model.onnx': buildClipText(o.config.text, o.seed, o.build),
    'model.onnx': buildClipFull(o.config, o.seed, o.build),
    'config.json': JSON.stringify(clipConfigJson(o.config, o.vocab), null, 2),
    'preprocessor_config.json': JSON.stringify(preprocessorConfig(o.config.vision.imageSize), null, 2),
    ...tokenizerFiles(o.vocab),
  };
  return Object.entries(files).map(([name, data]) => writeFileAtomic(path.join(dir, name), data));
}
