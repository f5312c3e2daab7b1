/**
 * ComfyUI's output file naming (`folder_paths.get_save_image_path`): `<prefix>_<counter:05>_.png`, where the
 * counter continues after the highest one already used for that prefix, and the prefix may name subfolders that
 * must stay inside the output root.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { PathOutsideRootError, resolveInside } from './image-files.js';

/** Where the next images of a prefix go. */
export interface SavePath {
  /** Absolute folder the files are written to. */
  readonly folder: string;
  /** Base file name (the prefix's last component, variables expanded; may still hold `%batch_num%`). */
  readonly filename: string;
  /** First free counter (≥ 1). */
  readonly counter: number;
  /** The prefix's folder part relative to the root, `/`-separated, '' for the root itself. */
  readonly subfolder: string;
}

export interface PrefixVars {
  /** Width and height of the first image, for `%width%` and `%height%`. */
  readonly width: number;
  readonly height: number;
  /** Clock for `%year%` ... `%second%`; defaults to now. */
  readonly now?: Date;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Expands ComfyUI's server-side prefix variables (`%width%`, `%height%`, `%year%`, `%month%`, `%day%`, `%hour%`, `%minute%`, `%second%`). */
export function expandPrefixVars(prefix: string, vars: PrefixVars): string {
  if (!prefix.includes('%')) return prefix;
  const now = vars.now ?? new Date();
  const table: Record<string, string> = {
    '%width%': String(vars.width),
    '%height%': String(vars.height),
    '%year%': String(now.getFullYear()),
    '%month%': pad2(now.getMonth() + 1),
    '%day%': pad2(now.getDate()),
    '%hour%': pad2(now.getHours()),
    '%minute%': pad2(now.getMinutes()),
    '%second%': pad2(now.getSeconds()),
  };
  return prefix.replace(/%(width|height|year|month|day|hour|minute|second)%/g, (m) => table[m]!);
}

/** The counter in `<filename>_<digits>_...`, or undefined when the entry belongs to another prefix. */
function counterOf(entry: string, filename: string): number | undefined {
  if (entry.length <= filename.length || !entry.startsWith(filename) || entry[filename.length] !== '_') return undefined;
  // Python's int() on the text up to the next '_'; anything else counts as 0, as in ComfyUI.
  const digits = entry.slice(filename.length + 1).split('_')[0]!;
  return /^\s*\+?\d+\s*$/.test(digits) ? Number.parseInt(digits, 10) : 0;
}

/**
 * What the last listing of a folder found, so saves don't list a 100k-file folder each time. It is trusted while
 * the folder's mtime is the one seen after our own last write; any other change (a file added or removed by
 * someone else) makes the next save list the folder again. A name taken in between is still never overwritten:
 * the writer moves past it (write-new-file.ts).
 */
interface FolderCounters {
  mtimeNs: bigint;
  /** Highest counter per base file name; a name not here was not looked up since the last listing. */
  readonly max: Map<string, number>;
  names?: string[];
}

/** Process-wide memo of folder state (not of our logic): bounded, and rebuilt from disk whenever it is stale. */
const folders = new Map<string, FolderCounters>();
const MAX_FOLDERS = 256;

function folderMtime(folder: string): bigint {
  return statSync(folder, { bigint: true }).mtimeNs;
}

/** The first free counter for `filename` in `folder`: one more than the highest in use, or 1. */
export function nextCounter(folder: string, filename: string): number {
  const mtimeNs = folderMtime(folder);
  let cached = folders.get(folder);
  if (!cached || cached.mtimeNs !== mtimeNs) {
    if (folders.size >= MAX_FOLDERS) folders.clear();
    cached = { mtimeNs, max: new Map(), names: readdirSync(folder) };
    folders.set(folder, cached);
  }
  let max = cached.max.get(filename);
  if (max === undefined) {
    cached.names ??= readdirSync(folder);
    max = 0;
    for (const entry of cached.names) max = Math.max(max, counterOf(entry, filename) ?? 0);
    cached.max.set(filename, max);
  }
  return max + 1;
}

/** Records that `counter` of `filename` was just written to `folder` (keeps the memo valid without a listing). */
export function noteSaved(folder: string, filename: string, counter: number): void {
  const cached = folders.get(folder);
  if (!cached) return;
  const max = cached.max.get(filename);
  if (max !== undefined) cached.max.set(filename, Math.max(max, counter));
  // Other names' maxima are unchanged by this file unless it also matches them; drop the listing-derived ones.
  for (const other of cached.max.keys()) if (other !== filename) cached.max.delete(other);
  cached.names = undefined;
  cached.mtimeNs = folderMtime(folder);
}

/**
 * Resolves a filename prefix (e.g. `ComfyUI`, `portraits/%year%/img`) to its folder, base name and next counter,
 * creating the folder. The prefix may not leave `root` (no `..` escape, no absolute path, no symlink out).
 * @throws PathOutsideRootError with ComfyUI's wording when the prefix points outside the root.
 */
export function resolveSavePath(root: string, prefix: string, vars: PrefixVars): SavePath {
  const expanded = expandPrefixVars(prefix, vars).replace(/\\/g, '/');
  const normalised = path.posix.normalize(expanded);
  const filename = path.posix.basename(normalised);
  const subfolder = path.posix.dirname(normalised) === '.' ? '' : path.posix.dirname(normalised);
  if (filename === '' || filename === '.' || filename === '..' || normalised.endsWith('/..')) {
    throw new Error(`filename_prefix ${JSON.stringify(prefix)} does not end in a file name`);
  }
  let folder: string;
  try {
    folder = resolveInside(root, subfolder);
  } catch (e) {
    if (!(e instanceof PathOutsideRootError)) throw e;
    throw new PathOutsideRootError(prefix, root, `Saving image outside the output folder is not allowed (filename_prefix ${JSON.stringify(prefix)})`);
  }
  mkdirSync(folder, { recursive: true });
  // Re-check after creating it: a symlinked component may only be visible now.
  resolveInside(root, subfolder);
  return { folder, filename, counter: nextCounter(folder, filename), subfolder: subfolder.replace(/^\/+/, '') };
}
