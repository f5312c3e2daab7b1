/** Where the DeCLIP nodes keep generated files under `ctx.services.dirs`. */
import path from 'node:path';
import type { NodeServices } from '../services.js';

/** Folder for generated projector graphs: `<data>/cache/declip`. */
export function graphDir(services: NodeServices): string {
  return path.join(services.dirs.cache, 'declip');
}
