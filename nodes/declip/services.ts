/** Where the DeCLIP nodes keep generated files under `ctx.services.dirs` (the model runtime comes through `nodes/model-runtime.ts`). */
import path from 'node:path';
import type { NodeServices } from '../../server/engine/node-definition.js';

/** Folder for generated projector graphs: `<data>/cache/declip`. */
export function graphDir(services: NodeServices): string {
  return path.join(services.dirs.cache, 'declip');
}
