/**
 * Crash-safe, no-clobber file creation for saved outputs. A file is first written whole under the root's
 * `.partial/` folder, then hard-linked to its final name (`link` fails with EEXIST instead of overwriting, and
 * is atomic), so a final name only ever shows a complete file: kill -9 mid-save leaves at most a file in
 * `.partial/`, which `sweepPartialFiles` removes at the next start (docs/reliability.md).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import path from 'node:path';

/** Folder under an output/temp/input root that holds files being written. Dot-named, so listings skip it. */
export const PARTIAL_DIR = '.partial';

/**
 * The file operations a save needs: node's `fs/promises` by default. Tests pass a wrapper that injects faults
 * (ENOSPC, a write cut short) to check that nothing half-written ever appears under a final name.
 */
export interface SaveFs {
  writeFile(file: string, data: Uint8Array): Promise<void>;
  link(existing: string, created: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  access(file: string): Promise<void>;
}

export const nodeSaveFs: SaveFs = {
  writeFile: (f, d) => fsp.writeFile(f, d),
  link: (a, b) => fsp.link(a, b),
  rename: (a, b) => fsp.rename(a, b),
  unlink: (f) => fsp.unlink(f),
  access: (f) => fsp.access(f),
};

const code = (e: unknown) => (e as NodeJS.ErrnoException).code;

/** Moves a complete staged file to `target` unless `target` exists; false when it does. */
async function publish(fs: SaveFs, staged: string, target: string): Promise<boolean> {
  try {
    await fs.link(staged, target);
    return true;
  } catch (e) {
    if (code(e) === 'EEXIST') return false;
    // File systems without hard links: check, then rename (not race-free against another writer, still atomic).
    if (code(e) !== 'EPERM' && code(e) !== 'ENOTSUP' && code(e) !== 'EXDEV') throw e;
    const exists = await fs.access(target).then(() => true, () => false);
    if (exists) return false;
    await fs.rename(staged, target);
    return true;
  }
}

/**
 * Writes `data` to the first free name `name(counter)`, `name(counter + 1)`, … in `folder` (below `root`), never
 * overwriting and never exposing a partial file.
 * @returns the chosen file name and its counter.
 * @throws the write error (ENOSPC …) after removing the staged file; nothing appears under a final name then.
 */
export async function writeNewFile(options: {
  readonly root: string;
  readonly folder: string;
  readonly name: (counter: number) => string;
  readonly counter: number;
  readonly data: Uint8Array;
  readonly fs?: SaveFs;
}): Promise<{ file: string; counter: number }> {
  const fs = options.fs ?? nodeSaveFs;
  const stagingDir = path.join(options.root, PARTIAL_DIR);
  mkdirSync(stagingDir, { recursive: true });
  const staged = path.join(stagingDir, `${randomUUID()}.tmp`);
  try {
    await fs.writeFile(staged, options.data);
    for (let c = options.counter; ; c++) {
      if (await publish(fs, staged, path.join(options.folder, options.name(c)))) return { file: options.name(c), counter: c };
    }
  } finally {
    await fs.unlink(staged).catch(() => undefined);
  }
}

/** Removes what interrupted saves left under `root` (its `.partial/` folder). Called once at server start. */
export function sweepPartialFiles(root: string): void {
  rmSync(path.join(root, PARTIAL_DIR), { recursive: true, force: true });
}
