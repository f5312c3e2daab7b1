/** The IPAdapter node pack: ComfyUI_IPAdapter_plus's basic apply nodes (its model loader lives with DP-Adapter's loaders). */
import type { AnyNodeDefinition } from '../../server/engine/node-definition.js';
import { ipAdapterNode } from './ipadapter.js';
import { ipAdapterAdvancedNode } from './ipadapter-advanced.js';

/** Every IPAdapter node, for `NodeRegistry.addAll`. */
export const ipAdapterNodes: AnyNodeDefinition[] = [ipAdapterNode, ipAdapterAdvancedNode];

export { ipAdapterAdvancedNode, ipAdapterNode };
