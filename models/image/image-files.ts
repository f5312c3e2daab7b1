/**
 * Image files in the data directory: listing input images and resolving user-given names safely inside a root.
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/** Extensions offered by LoadImage: the formats sharp's prebuilt libvips decodes. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.avif']);

/** A user-supplied name resolved to a path outside its root (traversal, absolute path or symlink escape). */
export class PathOutsideRootError extends Error {
  override readonly name = 'PathOutsideRootError';
  constructor(
    readonly requested: string,
    readonly root: string,
    message?: string,
  ) {
    super(message ?? `path ${JSON.stringify(requested)} resolves outside ${root}`);
  }
}

/**
 * Image files directly in `dir` (not in subfolders, as ComfyUI lists them), sorted by code point.
 * A missing directory lists as empty.
 */
export function listImageFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && IMAGE_EXTENSIONS.has(path.extname(e.name).toLowerCase()))
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Resolves `relative` (which may contain subfolders, `/` or `\`) inside `root`. Absolute names and `..` escapes
 * are refused lexically; when the target (or its nearest existing parent) exists, its real path must also stay
 * inside the real root, so a symlink cannot lead out.
 * @returns the absolute path (not necessarily existing).
 * @throws PathOutsideRootError
 */
export function resolveInside(root: string, relative: string): string {
  const normalised = relative.replace(/\\/g, '/');
  if (normalised.includes('\0') || path.isAbsolute(normalised) || /^[a-zA-Z]:/.test(normalised)) {
    throw new PathOutsideRootError(relative, root);
  }
  const absRoot = path.resolve(root);
  const target = path.resolve(absRoot, normalised);
  if (!isInside(absRoot, target)) throw new PathOutsideRootError(relative, root);
  let existing = target;
  while (!existsSync(existing) && existing !== absRoot) existing = path.dirname(existing);
  if (existsSync(existing) && existsSync(absRoot) && !isInside(realpathSync(absRoot), realpathSync(existing))) {
    throw new PathOutsideRootError(relative, root);
  }
  return target;
}

/** Which data folder an annotated name (`photo.png [output]`) points to, ComfyUI's `get_annotated_filepath`. */
export type ImageFolder = 'input' | 'output' | 'temp';

/** Splits ComfyUI's ` [input]` / ` [output]` / ` [temp]` suffix off a name; names without one use `fallback`. */
export function parseAnnotatedName(name: string, fallback: ImageFolder = 'input'): { name: string; folder: ImageFolder } {
  const m = /^(.*?) ?\[(input|output|temp)\]$/.exec(name);
  return m ? { name: m[1]!, folder: m[2] as ImageFolder } : { name, folder: fallback };
}

/** True when `file` exists and is a regular file (after following links). */
export function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Resolves a LoadImage-style name (`photo.png`, `sub/photo.png`, `photo.png [output]`) inside the folder it
 * names. `roots` is anything with input/output/temp paths, such as the data directory.
 * @throws PathOutsideRootError when the name escapes its folder.
 */
export function resolveAnnotatedPath(roots: Readonly<Record<ImageFolder, string>>, name: string, fallback: ImageFolder = 'input'): string {
  const parsed = parseAnnotatedName(name, fallback);
  return resolveInside(roots[parsed.folder], parsed.name);
}
