/** The Stable Diffusion 1.5 (ONNX) node pack, with ComfyUI's node names and sockets. */
import type { AnyNodeDefinition } from '../../server/engine/node-definition.js';
import { checkpointLoaderOnnxNode } from './checkpoint-loader-onnx.js';
import { checkpointLoaderSimpleNode } from './checkpoint-loader-simple.js';
import { diffusersLoaderNode } from './diffusers-loader.js';
import { clipSetLastLayerNode } from './clip-set-last-layer.js';
import { clipTextEncodeNode } from './clip-text-encode.js';
import { emptyLatentImageNode } from './empty-latent-image.js';
import { ksamplerAdvancedNode } from './ksampler-advanced.js';
import { ksamplerNode } from './ksampler.js';
import { vaeDecodeNode } from './vae-decode.js';
import { vaeEncodeNode } from './vae-encode.js';
import { vaeLoaderNode } from './vae-loader.js';

/** Every SD node, for `NodeRegistry.addAll`. */
export const sdNodes: AnyNodeDefinition[] = [
  checkpointLoaderSimpleNode,
  checkpointLoaderOnnxNode,
  diffusersLoaderNode,
  vaeLoaderNode,
  clipSetLastLayerNode,
  clipTextEncodeNode,
  emptyLatentImageNode,
  ksamplerNode,
  ksamplerAdvancedNode,
  vaeDecodeNode,
  vaeEncodeNode,
];

export {
  checkpointLoaderOnnxNode, checkpointLoaderSimpleNode, clipSetLastLayerNode, diffusersLoaderNode, clipTextEncodeNode, emptyLatentImageNode, ksamplerAdvancedNode, ksamplerNode, vaeDecodeNode, vaeEncodeNode, vaeLoaderNode,
};
export type { PreviewSettings } from './services.js';
