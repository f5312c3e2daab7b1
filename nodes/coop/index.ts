/** The prompt-learning node pack: `TrainPrompt` (docs/coop.md). */
import type { AnyNodeDefinition } from '../../server/engine/node-definition.js';
import { trainPromptNode } from './train-prompt.js';

/** Every node of the pack, for `NodeRegistry.addAll`. */
export const coopNodes: AnyNodeDefinition[] = [trainPromptNode];

export { trainPromptNode };
