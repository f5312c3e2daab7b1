/**
 * The data directory: user data that never lives among the sources (models, input, output, temp, queue state).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';

/** Absolute paths of the data directory's parts. */
export interface DataDirs {
  readonly root: string;
  readonly models: string;
  readonly input: string;
  readonly output: string;
  readonly temp: string;
  /** Per-user settings and files (`/settings`, `/userdata`), ComfyUI's `user/` folder. */
  readonly user: string;
  /** Queue, history and other server state. */
  readonly state: string;
  /** Caches (embeddings, tokenizer conversions) that can be deleted at any time. */
  readonly cache: string;
}

declare module './engine/node-definition.js' {
  interface NodeServices {
    readonly dirs: DataDirs;
  }
}

/** Resolves (and creates) the data directory layout under `root` (default `./data`). */
export function dataDirs(root = process.env.PERCEPTGRAPH_DATA_DIR ?? 'data'): DataDirs {
  const abs = path.resolve(root);
  const dirs: DataDirs = {
    root: abs,
    models: path.join(abs, 'models'),
    input: path.join(abs, 'input'),
    output: path.join(abs, 'output'),
    temp: path.join(abs, 'temp'),
    user: path.join(abs, 'user'),
    state: path.join(abs, 'state'),
    cache: path.join(abs, 'cache'),
  };
  for (const p of Object.values(dirs)) mkdirSync(p, { recursive: true });
  return dirs;
}
