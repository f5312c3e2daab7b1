/**
 * `GET /experiment/models` (`[{name, folders}]`) and `GET /experiment/models/{folder}` (`[{name, pathIndex,
 * modified, created, size}]`, times in seconds as Python's getmtime), ComfyUI's model-library listings
 * (app/model_manager.py). A model that is a folder (our ONNX checkpoints) reports the bytes of its files.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Router } from 'express';
import { StringHttpError } from '../http-error.js';
import { sendJson } from '../json-io.js';
import { modelFolderPaths } from '../model-folder-paths.js';
import type { RouteDeps } from '../route-deps.js';

/** One entry of `/experiment/models/{folder}`. */
export interface WireModelFile {
  name: string;
  pathIndex: number;
  modified: number;
  created: number;
  size: number;
}

async function bytesOf(p: string): Promise<number> {
  const st = await stat(p);
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const e of await readdir(p)) total += await bytesOf(path.join(p, e));
  return total;
}

/** The entry of `name` from the first of `dirs` that holds it; `pathIndex` is that folder's place in the list. */
async function modelFile(dirs: readonly string[], name: string): Promise<WireModelFile | undefined> {
  for (const [pathIndex, dir] of dirs.entries()) {
    const p = path.join(dir, name);
    try {
      const st = await stat(p);
      return { name, pathIndex, modified: st.mtimeMs / 1000, created: st.ctimeMs / 1000, size: await bytesOf(p) };
    } catch {
      // not in this folder: try the next
    }
  }
  return undefined; // listed but gone (or remote): ComfyUI skips files it cannot stat
}

export function register(router: Router, deps: RouteDeps): void {
  router.get('/experiment/models', (_req, res) => {
    sendJson(res, Object.entries(modelFolderPaths(deps)).map(([name, folders]) => ({ name, folders })));
  });

  router.get('/experiment/models/:folder', async (req, res) => {
    const names = deps.modelFolders()[req.params.folder];
    if (!names) throw new StringHttpError(404, '');
    const dirs = modelFolderPaths(deps)[req.params.folder]!;
    const files = await Promise.all(names.map((n) => modelFile(dirs, n)));
    sendJson(res, files.filter((f) => f !== undefined));
  });
}
