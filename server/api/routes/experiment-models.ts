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

async function modelFile(dir: string, name: string): Promise<WireModelFile | undefined> {
  const p = path.join(dir, name);
  try {
    const st = await stat(p);
    return { name, pathIndex: 0, modified: st.mtimeMs / 1000, created: st.ctimeMs / 1000, size: await bytesOf(p) };
  } catch {
    return undefined; // listed but gone (or remote): ComfyUI skips files it cannot stat
  }
}

export function register(router: Router, deps: RouteDeps): void {
  router.get('/experiment/models', (_req, res) => {
    sendJson(res, Object.keys(deps.modelFolders()).map((name) => ({ name, folders: [path.join(deps.dirs.models, name)] })));
  });

  router.get('/experiment/models/:folder', async (req, res) => {
    const names = deps.modelFolders()[req.params.folder];
    if (!names) throw new StringHttpError(404, '');
    const dir = path.join(deps.dirs.models, req.params.folder);
    const files = await Promise.all(names.map((n) => modelFile(dir, n)));
    sendJson(res, files.filter((f) => f !== undefined));
  });
}
