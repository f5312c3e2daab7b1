/**
 * The node packs this build ships, assembled explicitly (docs/architecture.md, "Nodes"): a duplicate type throws at startup.
 */
import type { AnyNodeDefinition } from '../server/engine/node-definition.js';
import { NodeRegistry } from '../server/engine/registry.js';
import { coreNodes } from '../nodes/core/index.js';
import { sdNodes } from '../nodes/sd/index.js';
import { clipVisionNodes } from '../nodes/clip-vision/index.js';
import { declipNodes } from '../nodes/declip/index.js';
import { dpAdapterNodes } from '../nodes/dp-adapter/index.js';
import { ipAdapterNodes } from '../nodes/ipadapter/index.js';
import { declipTrainNodes } from '../nodes/declip-train/index.js';
import { coopNodes } from '../nodes/coop/index.js';

/** Every shipped pack by its folder under `nodes/`, in registry order (README's node table follows it). */
export const packs: Readonly<Record<string, readonly AnyNodeDefinition[]>> = {
  core: coreNodes,
  sd: sdNodes,
  'clip-vision': clipVisionNodes,
  declip: declipNodes,
  'dp-adapter': dpAdapterNodes,
  ipadapter: ipAdapterNodes,
  'declip-train': declipTrainNodes,
  coop: coopNodes,
};

/** The default registry: every shipped pack. */
export function defaultRegistry(): NodeRegistry {
  const registry = new NodeRegistry();
  for (const defs of Object.values(packs)) registry.addAll(defs);
  return registry;
}
