/**
 * The folders each model kind is searched in, for ComfyUI's `/internal/folder_paths` and `/experiment/models`
 * (its `folder_paths.get_folder_paths`): the app's store order when it gives one (`--extra-model-paths`), else
 * `<data>/models/<kind>` alone.
 */
import path from 'node:path';
import type { RouteDeps } from './route-deps.js';

/** Kind → its folders, for every kind `/models` lists. */
export function modelFolderPaths(deps: Pick<RouteDeps, 'modelFolders' | 'modelFolderPaths' | 'dirs'>): Record<string, string[]> {
  const given = deps.modelFolderPaths?.() ?? {};
  return Object.fromEntries(Object.keys(deps.modelFolders()).map((k) => [k, given[k] ?? [path.join(deps.dirs.models, k)]]));
}
