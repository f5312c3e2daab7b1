/** The CLIP vision node pack: ComfyUI's CLIPVisionLoader and CLIPVisionEncode. */
import type { AnyNodeDefinition } from '../../server/engine/node-definition.js';
import { clipVisionEncodeNode } from './clip-vision-encode.js';
import { clipVisionLoaderNode } from './clip-vision-loader.js';

/** Every CLIP vision node, for `NodeRegistry.addAll`. */
export const clipVisionNodes: AnyNodeDefinition[] = [clipVisionLoaderNode, clipVisionEncodeNode];

export { clipVisionEncodeNode, clipVisionLoaderNode };
