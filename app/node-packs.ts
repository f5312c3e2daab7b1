/**
 * The node packs this build ships, assembled explicitly (STYLE §1): a duplicate type throws at startup.
 */
import { NodeRegistry } from '../server/engine/registry.js';
import { coreNodes } from '../nodes/core/index.js';
import { sdNodes } from '../nodes/sd/index.js';
import { declipNodes } from '../nodes/declip/index.js';
import { dpAdapterNodes } from '../nodes/dp-adapter/index.js';
import { declipTrainNodes } from '../nodes/declip-train/index.js';

/** The default registry: every shipped pack. */
export function defaultRegistry(): NodeRegistry {
  return new NodeRegistry().addAll(coreNodes).addAll(sdNodes).addAll(declipNodes).addAll(dpAdapterNodes).addAll(declipTrainNodes);
}
