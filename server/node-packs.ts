/**
 * The node packs this build ships, assembled explicitly (STYLE §1): a duplicate type throws at startup.
 */
import { NodeRegistry } from './engine/registry.js';
import { coreNodes } from '../nodes/core/index.js';

/** The default registry: every shipped pack. */
export function defaultRegistry(): NodeRegistry {
  return new NodeRegistry().addAll(coreNodes);
}
