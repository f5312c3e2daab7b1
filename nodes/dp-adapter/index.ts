/** The DP-Adapter node pack: IP-Adapter loading, DP-Adapter conditioning, prompt splitting, quality-gated generation. */
import type { AnyNodeDefinition } from '../../server/engine/node-definition.js';
import { dpAdapterApplyNode } from './dp-adapter-apply.js';
import { gatedGenerateNode } from './gated-generate.js';
import { ipAdapterLoaderNode } from './ip-adapter-loader.js';
import { ipAdapterModelLoaderNode } from './ip-adapter-model-loader.js';
import { textSplitPerceptualSemanticNode } from './text-split-perceptual-semantic.js';

/** Every DP-Adapter node, for `NodeRegistry.addAll`. */
export const dpAdapterNodes: AnyNodeDefinition[] = [ipAdapterLoaderNode, ipAdapterModelLoaderNode, dpAdapterApplyNode, textSplitPerceptualSemanticNode, gatedGenerateNode];

export { dpAdapterApplyNode, gatedGenerateNode, ipAdapterLoaderNode, ipAdapterModelLoaderNode, textSplitPerceptualSemanticNode };
