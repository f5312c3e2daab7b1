/**
 * IP-Adapter's image projection (ImageProjModel, docs/model-folders.md) as an ONNX graph whose initializers are the
 * safetensors weights, so onnxruntime runs it like any other model:
 *
 *   image_embeds [B, d] → Gemm(W [tokens·C, d], bias, transB) → Reshape [B, tokens, C] → LayerNorm(C, eps 1e-5)
 *   → image_prompt_embeds [B, tokens, C]
 *
 * Gemm with transB takes the PyTorch [out, in] weight as stored, so no copy is transposed in JS.
 */
import { GraphBuilder } from '../onnx-builder/graph-builder.js';
import type { IpAdapterWeights } from './weights.js';

/** Input and output names of the projection model. */
export const PROJECTION_INPUT = 'image_embeds';
export const PROJECTION_OUTPUT = 'image_prompt_embeds';

/** Bump when the graph changes, so cached model files are rebuilt. */
export const PROJECTION_GRAPH_VERSION = 1;

/** LayerNorm epsilon of ImageProjModel (torch.nn.LayerNorm default). */
const LAYER_NORM_EPS = 1e-5;

/** Serialised ONNX model of the adapter's image projection (float32). */
export function buildProjectionModel(w: Pick<IpAdapterWeights, 'imageEmbedDim' | 'crossAttentionDim' | 'tokens' | 'projection'>): Uint8Array {
  const { imageEmbedDim: d, crossAttentionDim: c, tokens } = w;
  const b = new GraphBuilder({ name: 'ip_adapter_image_proj' });
  const x = b.input(PROJECTION_INPUT, 'float32', ['batch', d]);
  const weight = b.floatInit(w.projection.projWeight, [tokens * c, d], 'image_proj.proj.weight');
  const bias = b.floatInit(w.projection.projBias, [tokens * c], 'image_proj.proj.bias');
  const projected = b.op('Gemm', [x, weight, bias], { transB: 1 });
  const shaped = b.reshape(projected, [-1, tokens, c]);
  const scale = b.floatInit(w.projection.normWeight, [c], 'image_proj.norm.weight');
  const shift = b.floatInit(w.projection.normBias, [c], 'image_proj.norm.bias');
  const normed = b.op('LayerNormalization', [shaped, scale, shift], { axis: -1, epsilon: { float: LAYER_NORM_EPS } });
  b.output(PROJECTION_OUTPUT, normed, 'float32', ['batch', tokens, c]);
  return b.toBytes();
}
