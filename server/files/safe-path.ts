/**
 * Path containment for input/output/temp. Names are first checked lexically (ComfyUI's rules: `..`, absolute
 * names → 400; a subfolder leaving the root → 403), then resolved with `realpath` on both sides so a symlink
 * inside a root cannot lead out of it (ComfyUI #12285).
 */
import { realpathSync } from 'node:fs';
import { lstat, mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { DataDirs } from '../data-dir.js';
import { FileAccessError } from './file-access-error.js';

/** The folders files can be read from or uploaded to. */
export type FolderType = 'input' | 'output' | 'temp';
export const FOLDER_TYPES: readonly FolderType[] = ['input', 'output', 'temp'];

/** Root directory of a folder type; 400 for anything but input/output/temp. */
export function folderRoot(dirs: DataDirs, type: string): string {
  if (!(FOLDER_TYPES as readonly string[]).includes(type)) {
    throw new FileAccessError(400, `invalid type "${type}": expected one of ${FOLDER_TYPES.join(', ')}`);
  }
  return dirs[type as FolderType];
}

/** Splits ComfyUI's annotated names `photo.png [output]` into the name and the folder type it names. */
export function parseAnnotatedName(name: string): { name: string; type?: FolderType } {
  const m = /^(.*) \[(input|output|temp)\]$/.exec(name);
  return m ? { name: m[1]!, type: m[2] as FolderType } : { name };
}

/** Longest file or folder name, in UTF-8 bytes (ext4, APFS, NTFS and tmpfs all stop at 255). */
export const MAX_NAME_BYTES = 255;

const ABSOLUTE = /^(?:[/\\]|[A-Za-z]:)/;

/** Rejects (400) empty, absolute, parent-relative or NUL-containing file names; returns the base name. */
export function checkFileName(name: string, options: { allowSeparators?: boolean } = {}): string {
  if (name === '') throw new FileAccessError(400, 'filename is empty');
  if (name.includes('\0')) throw new FileAccessError(400, 'filename contains a NUL byte');
  if (ABSOLUTE.test(name)) throw new FileAccessError(400, `filename "${name}" is absolute`);
  if (name.split(/[/\\]/).includes('..')) throw new FileAccessError(400, `filename "${name}" contains ".."`);
  if (!options.allowSeparators && /[/\\]/.test(name)) throw new FileAccessError(400, `filename "${name}" contains a path separator`);
  const base = name.split(/[/\\]/).pop()!;
  if (base === '' || base === '.') throw new FileAccessError(400, `filename "${name}" names no file`);
  // File systems store at most 255 bytes per name; beyond, the OS answers ENAMETOOLONG (a 500 before).
  if (Buffer.byteLength(base) > MAX_NAME_BYTES) throw new FileAccessError(400, `filename is ${Buffer.byteLength(base)} bytes long; at most ${MAX_NAME_BYTES} bytes are allowed`);
  return base;
}

/** True when `p` is `root` or below it (both absolute and normalised). */
export function isInside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/**
 * Resolves `subfolder` under `root` lexically. Throws `escapeStatus` (ComfyUI: 403 for /view, 400 for uploads)
 * when it leaves the root (`..`, absolute paths).
 */
export function subfolderPath(root: string, subfolder: string, escapeStatus: 400 | 403): string {
  if (subfolder.includes('\0')) throw new FileAccessError(400, 'subfolder contains a NUL byte');
  if (subfolder.split(/[/\\]/).some((part) => Buffer.byteLength(part) > MAX_NAME_BYTES)) {
    throw new FileAccessError(400, `a subfolder name is longer than ${MAX_NAME_BYTES} bytes`);
  }
  const dir = path.resolve(root, subfolder.replace(/\\/g, '/'));
  if (!isInside(path.resolve(root), dir)) throw new FileAccessError(escapeStatus, `subfolder "${subfolder}" is outside the ${path.basename(root)} folder`);
  return dir;
}

/** The real path of a root, resolved once per call (roots may themselves be symlinks, which is allowed). */
export function realRoot(root: string): string {
  return realpathSync(root);
}

/** Real path of an existing file that must stay inside `root`: 404 when missing, 403 when it resolves outside. */
export async function realFileInside(root: string, file: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    throw new FileAccessError(404, `file not found: ${path.relative(root, file)}`);
  }
  if (!isInside(realRoot(root), real)) throw new FileAccessError(403, `"${path.relative(root, file)}" resolves outside its folder`);
  return real;
}

/**
 * Creates `dir` (under `root`) if needed, refusing (403) when it or an existing ancestor is a symlink out of
 * the root: the check runs on the deepest existing ancestor before anything is created.
 */
export async function ensureDirInside(root: string, dir: string): Promise<string> {
  const rootReal = realRoot(root);
  let probe = dir;
  for (;;) {
    try {
      const real = await realpath(probe);
      if (!isInside(rootReal, real)) throw new FileAccessError(403, `"${path.relative(root, dir)}" resolves outside its folder`);
      break;
    } catch (err) {
      if (err instanceof FileAccessError) throw err;
      probe = path.dirname(probe);
    }
  }
  await mkdir(dir, { recursive: true });
  const real = await realpath(dir);
  if (!isInside(rootReal, real)) throw new FileAccessError(403, `"${path.relative(root, dir)}" resolves outside its folder`);
  return real;
}

/** Whether `file` exists; an existing symlink that leads out of `root` is refused (403). */
export async function existsInside(root: string, file: string): Promise<boolean> {
  try {
    const st = await lstat(file);
    if (st.isSymbolicLink()) await realFileInside(root, file);
    return true;
  } catch (err) {
    if (err instanceof FileAccessError && err.status === 403) throw err;
    return false;
  }
}
