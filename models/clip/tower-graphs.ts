/**
 * CLIP image and text towers as graph pieces, shared by the split files, the optimum full model and the SD1.5 text
 * encoder. They follow HF CLIPVisionModelWithProjection / CLIPTextModelWithProjection in structure, at any size.
 */
import type { GraphBuilder } from '../onnx-builder/graph-builder.js';
import { expandToBatch, layerNorm, linear, transformerLayer } from '../onnx-builder/layers.js';
import type { Rng } from '../onnx-builder/prng.js';

/** Image tower size. Defaults keep S = 224 so the real preprocessing applies. */
export interface ClipVisionConfig {
  /** Input side S in pixels; must be a multiple of `patchSize`. */
  imageSize: number;
  patchSize: number;
  /** Transformer width. */
  width: number;
  layers: number;
  heads: number;
  /** Output embedding size P (`image_embeds` [B, P]). */
  projectionDim: number;
}

/** Text tower size. */
export interface ClipTextConfig {
  /** Embedding table rows; ids must be below it. */
  vocabSize: number;
  /** Longest supported sequence (position table rows). */
  maxPositions: number;
  width: number;
  layers: number;
  heads: number;
  /** Output embedding size P (`text_embeds` [B, P]); 0 = no projection (embeds = pooled). */
  projectionDim: number;
  /** Causal self-attention as in CLIP (true) or full attention. */
  causal: boolean;
}

/** Pixel values [B,3,S,S] → image embedding [B,P] (not normalised). */
export function visionTower(b: GraphBuilder, rng: Rng, pixels: string, c: ClipVisionConfig): string {
  if (c.imageSize % c.patchSize !== 0) {
    throw new Error(`CLIP vision config: imageSize ${c.imageSize} is not a multiple of patchSize ${c.patchSize}`);
  }
  const grid = c.imageSize / c.patchSize;
  const tokens = grid * grid + 1;
  const std = 1 / Math.sqrt(c.width);
  // Patch embedding: a strided conv without bias, as CLIP's conv1.
  const convW = b.weight(rng, [c.width, 3, c.patchSize, c.patchSize], 1 / Math.sqrt(3 * c.patchSize ** 2), 'vision.patch.weight');
  const patches = b.op('Conv', [pixels, convW], { kernel_shape: [c.patchSize, c.patchSize], strides: [c.patchSize, c.patchSize] });
  const seq = b.transpose(b.reshape(patches, [0, c.width, -1]), [0, 2, 1]);
  const cls = expandToBatch(b, b.weight(rng, [1, 1, c.width], std, 'vision.class_embedding'), pixels, [1, c.width]);
  let x = b.add(b.concat([cls, seq], 1), b.weight(rng, [1, tokens, c.width], std, 'vision.position_embedding'));
  x = layerNorm(b, rng, x, c.width, 'vision.pre_layrnorm');
  for (let i = 0; i < c.layers; i++) x = transformerLayer(b, rng, { x, dim: c.width, heads: c.heads, name: `vision.layer${i}` });
  const pooled = layerNorm(b, rng, b.gather(x, b.constInt64([0], [], 'cls_index'), 1), c.width, 'vision.post_layernorm');
  return linear(b, rng, pooled, { inDim: c.width, outDim: c.projectionDim, bias: false, name: 'vision.projection' });
}

/** What {@link textTower} returns. */
export interface TextTowerOutputs {
  /** final_layer_norm(h) [B, T, width]. */
  hidden: string;
  /** `hidden` at the EOS position [B, width]. */
  pooled: string;
  /** Projection of `pooled` [B, P] (not normalised). */
  embeds: string;
  /** EOS position per row, int64 [B, 1] (GatherND indices with batch_dims 1). */
  eosIndex: string;
}

/** Additive mask [T, T] (or [B,1,T,T] with `attentionMask`): causal part sliced from a fixed table to the live T. */
function textMask(b: GraphBuilder, ids: string, c: ClipTextConfig, attentionMask?: string): string | undefined {
  const parts: string[] = [];
  const seqLen = b.slice(b.shape(ids), [1], [2], [0]);
  if (c.causal) {
    const n = c.maxPositions;
    const table = new Float32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) table[i * n + j] = -1e4;
    const ends = b.concat([seqLen, seqLen], 0);
    parts.push(b.slice(b.floatInit(table, [n, n], 'text.causal_mask'), [0, 0], ends, [0, 1]));
  }
  if (attentionMask) {
    // (1 − mask)·(−1e4), shaped [B,1,1,T] so it drops padded keys for every query and head.
    const keep = b.cast(attentionMask, 'float32');
    const drop = b.mul(b.sub(b.constFloat(1), keep), b.constFloat(-1e4));
    parts.push(b.unsqueeze(drop, [1, 2]));
  }
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : b.add(parts[0]!, parts[1]!);
}

/**
 * Token ids [B,T] (int32 or int64) → hidden states, EOS-pooled vector and projected embedding.
 * EOS pooling takes argmax(input_ids) per row, as HF does for CLIP (eos is the largest id, so the first eos wins).
 */
export function textTower(
  b: GraphBuilder,
  rng: Rng,
  o: { ids: string; config: ClipTextConfig; attentionMask?: string },
): TextTowerOutputs {
  const c = o.config;
  const std = 1 / Math.sqrt(c.width);
  const tokenEmb = b.weight(rng, [c.vocabSize, c.width], std, 'text.token_embedding');
  const posTable = b.weight(rng, [c.maxPositions, c.width], std, 'text.position_embedding');
  const seqLen = b.slice(b.shape(o.ids), [1], [2], [0]);
  let x = b.add(b.gather(tokenEmb, o.ids, 0), b.slice(posTable, [0], seqLen, [0]));
  const mask = textMask(b, o.ids, c, o.attentionMask);
  for (let i = 0; i < c.layers; i++) x = transformerLayer(b, rng, { x, dim: c.width, heads: c.heads, mask, name: `text.layer${i}` });
  const hidden = layerNorm(b, rng, x, c.width, 'text.final_layer_norm');
  // ArgMax on float ids: exact below 2^24 and supported by every provider.
  const eosPos = b.op('ArgMax', [b.cast(o.ids, 'float32')], { axis: -1, keepdims: 1 });
  const pooled = b.op('GatherND', [hidden, eosPos], { batch_dims: 1 });
  const embeds =
    c.projectionDim === 0
      ? pooled
      : linear(b, rng, pooled, { inDim: c.width, outDim: c.projectionDim, bias: false, name: 'text.projection' });
  return { hidden, pooled, embeds, eosIndex: eosPos };
}
