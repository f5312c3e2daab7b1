/**
 * SD1.5 text encoder stand-in, `text_encoder/model.onnx` (docs/model-folders.md):
 * `input_ids` int32 [batch,sequence] (int64 variant for newer optimum) → `last_hidden_state` f32
 * [batch,sequence,768] and `pooler_output` f32 [batch,768] (the hidden state at the EOS position, argmax of ids).
 * A CLIP text tower of small width whose per-token output is projected to the real 768.
 */
import { GraphBuilder } from '../onnx-builder/graph-builder.js';
import { linear } from '../onnx-builder/layers.js';
import { rngFor } from '../onnx-builder/prng.js';
import type { BuildOptions } from '../clip/graphs.js';
import { textTower } from '../clip/tower-graphs.js';

/** Text encoder stand-in sizes. */
export interface SdTextEncoderConfig {
  vocabSize: number;
  maxPositions: number;
  /** Internal width; the output is projected to `hiddenSize` when they differ. */
  width: number;
  layers: number;
  heads: number;
  /** Output width (768 for SD1.5). */
  hiddenSize: number;
  idsType: 'int32' | 'int64';
}

/** Tiny default, on the tiny vocabulary (1118 ids). */
export const TINY_SD_TEXT_ENCODER_CONFIG: SdTextEncoderConfig = {
  vocabSize: 1118,
  maxPositions: 77,
  width: 64,
  layers: 1,
  heads: 4,
  hiddenSize: 768,
  idsType: 'int32',
};

/** `text_encoder/model.onnx` bytes. */
export function buildSdTextEncoder(config: SdTextEncoderConfig, seed: number, options: BuildOptions = {}): Uint8Array {
  const c = config;
  const b = new GraphBuilder({ name: 'text_encoder', precision: options.precision });
  const rng = rngFor(seed, 'sd-text-encoder');
  const ids = b.input('input_ids', c.idsType, ['batch', 'sequence']);
  const tower = textTower(b, rng, { ids, config: { ...c, projectionDim: 0, causal: true } });
  const hidden =
    c.width === c.hiddenSize
      ? tower.hidden
      : linear(b, rng, tower.hidden, { inDim: c.width, outDim: c.hiddenSize, name: 'text.hidden_out' });
  const pooled = b.op('GatherND', [hidden, tower.eosIndex], { batch_dims: 1 });
  b.output('last_hidden_state', hidden, 'float32', ['batch', 'sequence', c.hiddenSize]);
  b.output('pooler_output', pooled, 'float32', ['batch', c.hiddenSize]);
  return b.toBytes();
}
