/**
 * A user's files under `user/<id>/` (ComfyUI's `/userdata`). Names are checked lexically (no `..` out, no
 * absolute paths, no NUL) and then by `realpath`, so a symlink inside the folder cannot lead out of it — the same
 * containment as `/view` (server/files/safe-path.ts). Transport-free: failures are `UserDataError`s carrying
 * ComfyUI's status and text.
 */
import { randomUUID } from 'node:crypto';
import { lstat, mkdir, readdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { UserFileInfo } from '../protocol/user-data.js';
import { isInside } from '../files/safe-path.js';
import { UserDataError } from './user-data-error.js';

/** How `/userdata?dir=` lists: ComfyUI's `recurse`, `full_info` and `split` flags. */
export interface ListOptions {
  readonly recurse: boolean;
  readonly fullInfo: boolean;
  readonly split: boolean;
}

/** ComfyUI decodes a name once more when it still holds `%` (clients double-encode `/` as `%252F`). */
function decodeAgain(name: string): string {
  if (!name.includes('%')) return name;
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** The real path of `p`'s deepest existing ancestor (or `p` itself), which must stay inside `rootReal`. */
async function assertStaysInside(rootReal: string, p: string, escapeStatus: 400 | 403): Promise<void> {
  for (let probe = p; ; probe = path.dirname(probe)) {
    try {
      const real = await realpath(probe);
      if (!isInside(rootReal, real)) throw new UserDataError(escapeStatus);
      return;
    } catch (err) {
      if (err instanceof UserDataError) throw err;
      if (path.dirname(probe) === probe) return;
    }
  }
}

/** Last-modified and creation-ish times in whole milliseconds, as ComfyUI's `int(getmtime() * 1000)`. */
async function fileInfo(file: string, relativeTo: string): Promise<UserFileInfo> {
  const st = await stat(file);
  return { path: path.relative(relativeTo, file).split(path.sep).join('/'), size: st.size, modified: Math.trunc(st.mtimeMs), created: Math.trunc(st.ctimeMs) };
}

/** Files below `dir` (recursively when asked), skipping dot-names as Python's glob does, sorted. */
async function listFiles(dir: string, rootReal: string, recurse: boolean): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(d, e.name);
      let real: string;
      try {
        real = await realpath(full);
      } catch {
        continue; // dangling link
      }
      if (!isInside(rootReal, real)) continue; // a link out of the user's folder is not listed
      const st = await stat(real);
      if (st.isFile()) out.push(full);
      else if (recurse && st.isDirectory()) await walk(full);
    }
  };
  await walk(dir);
  return out.sort();
}

/** One user's files. */
export class UserFiles {
  constructor(readonly root: string) {}

  async #rootReal(): Promise<string> {
    await mkdir(this.root, { recursive: true });
    return realpath(this.root);
  }

  /**
   * The absolute path a request names, checked to stay inside the user's folder.
   * @throws UserDataError `missingStatus` text for an empty name, 403 for a name leading out (also via links).
   */
  async resolve(name: string, options: { escapeText?: string } = {}): Promise<string> {
    const decoded = decodeAgain(name);
    if (decoded.includes('\0')) throw new UserDataError(403, options.escapeText);
    const p = path.resolve(this.root, decoded.replace(/\\/g, '/'));
    if (!isInside(path.resolve(this.root), p)) throw new UserDataError(403, options.escapeText);
    await assertStaysInside(await this.#rootReal(), p, 403);
    return p;
  }

  /** `GET /userdata?dir=`: paths relative to `dir`, `[path, ...parts]` with `split`, or file infos with `fullInfo`. */
  async list(dir: string, options: ListOptions): Promise<Array<string | string[] | UserFileInfo>> {
    if (!dir) throw new UserDataError(400, 'Directory not provided');
    const p = await this.resolve(dir, { escapeText: 'Invalid directory' });
    const st = await stat(p).catch(() => undefined);
    if (!st) throw new UserDataError(404, 'Directory not found');
    if (!st.isDirectory()) return [];
    const files = await listFiles(p, await this.#rootReal(), options.recurse);
    return Promise.all(
      files.map(async (f) => {
        if (options.fullInfo) return fileInfo(f, p);
        const rel = path.relative(p, f).split(path.sep).join('/');
        return options.split ? [rel, ...rel.split('/')] : rel;
      }),
    );
  }

  /** An existing file's path (404 when missing or not a file). */
  async existing(name: string): Promise<string> {
    const p = await this.resolve(name);
    const st = await stat(p).catch(() => undefined);
    if (!st?.isFile()) throw new UserDataError(404);
    return p;
  }

  /** Whether `p` is the user's `user.css` (served inline, as ComfyUI does, so themes apply). */
  isUserCss(p: string): boolean {
    return p === path.join(path.resolve(this.root), 'user.css');
  }

  /**
   * Writes a file atomically (temporary file + rename, so a link at the target is replaced, not followed).
   * @throws UserDataError 409 "File already exists" when `overwrite` is false and the file exists.
   */
  async write(name: string, body: Buffer, options: { overwrite: boolean; fullInfo: boolean }): Promise<string | UserFileInfo> {
    const p = await this.resolve(name);
    if (!options.overwrite && (await lstat(p).catch(() => undefined))) throw new UserDataError(409, 'File already exists');
    await mkdir(path.dirname(p), { recursive: true });
    await assertStaysInside(await this.#rootReal(), path.dirname(p), 403);
    const tmp = path.join(path.dirname(p), `.tmp-${randomUUID()}`);
    try {
      await writeFile(tmp, body, { flag: 'wx' });
      await rename(tmp, p);
    } catch (err) {
      await rm(tmp, { force: true });
      throw new UserDataError(400, `Invalid filename: ${err instanceof Error ? err.message : String(err)}`);
    }
    return this.#reply(p, options.fullInfo);
  }

  /** Deletes an existing file (404 when missing). */
  async delete(name: string): Promise<void> {
    await rm(await this.existing(name));
  }

  /** Moves or renames a file inside the user's folder (404 missing source, 409 existing target without overwrite). */
  async move(source: string, dest: string, options: { overwrite: boolean; fullInfo: boolean }): Promise<string | UserFileInfo> {
    const from = await this.existing(source);
    const to = await this.resolve(dest);
    if (!options.overwrite && (await lstat(to).catch(() => undefined))) throw new UserDataError(409, 'File already exists');
    await mkdir(path.dirname(to), { recursive: true });
    await assertStaysInside(await this.#rootReal(), path.dirname(to), 403);
    await rename(from, to);
    return this.#reply(to, options.fullInfo);
  }

  async #reply(p: string, fullInfo: boolean): Promise<string | UserFileInfo> {
    return fullInfo ? fileInfo(p, this.root) : path.relative(this.root, p).split(path.sep).join('/');
  }
}
