/** The DeCLIP training node pack: `TrainDeCLIP`. */
import type { AnyNodeDefinition } from '../../server/engine/node-definition.js';
import { trainDeclipNode } from './train-declip.js';

/** Every node of the pack, for `NodeRegistry.addAll`. */
export const declipTrainNodes: AnyNodeDefinition[] = [trainDeclipNode];

export { trainDeclipNode };
