/**
 * ComfyUI's `extra_model_paths.yaml` (its `utils/extra_config.py`): more folders to search for each model kind, so
 * an existing ComfyUI or A1111 `models/` tree is used in place. The format and where we differ from ComfyUI are in
 * docs/model-folders.md ("Extra model paths").
 *
 * ```yaml
 * comfyui:                      # a section; its name is only a label
 *   base_path: ~/ComfyUI/models # relative: against the yaml file's folder; `~` and $VARS expand
 *   is_default: true            # optional: search these folders before the data dir's own
 *   checkpoints: checkpoints    # a folder key: a path, relative to base_path …
 *   clip_vision: |              # … or a block of paths, one a line
 *     clip_vision
 *     ../shared/clip_vision
 * ```
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { isDir } from './folder-probe.js';
import { MODEL_KINDS } from './manifests.js';

/** One extra folder for one model kind, in the order the file gives them. */
export const extraModelFolderSchema = z.object({
  /** The folder key as written (`checkpoints`, `clip_vision`, `loras`, …). */
  folder: z.string().min(1),
  /** Absolute, normalised path. */
  dir: z.string().refine((p) => path.isAbsolute(p), 'must be an absolute path'),
  /** The section's `is_default`: searched before the data dir's own folder. */
  isDefault: z.boolean(),
  /** The section it came from (`comfyui`, `a111`, …), for logs. */
  section: z.string(),
});
export type ExtraModelFolder = z.infer<typeof extraModelFolderSchema>;

/** A file that cannot be read as `extra_model_paths.yaml`; the message names the file and the key. */
export class ExtraModelPathsError extends Error {
  override readonly name = 'ExtraModelPathsError';
}

/** Keys of a section that are settings, not folder keys. */
const SETTINGS = new Set(['base_path', 'is_default']);

/** What paths in a file resolve against. */
interface PathContext {
  /** The yaml file's folder. */
  readonly yamlDir: string;
  readonly home: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** `~` and `~/…` → home (Python's expanduser). */
function expandHome(p: string, home: string): string {
  return p === '~' || p.startsWith('~/') || p.startsWith(`~${path.sep}`) ? home + p.slice(1) : p;
}

/** `$NAME` and `${NAME}` → the variable's value; unknown ones stay as written (Python's expandvars). */
function expandVars(p: string, env: PathContext['env']): string {
  return p.replace(/\$(\w+)|\$\{([^}]+)\}/g, (whole, bare: string | undefined, braced: string | undefined) => env[(bare ?? braced)!] ?? whole);
}

/** The lines of a folder value: a string (one path, or a `|` block of paths) or, beyond ComfyUI, a list of strings. */
function folderLines(value: unknown, where: string): string[] {
  const parts = Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : typeof value === 'string' ? value.split('\n') : undefined;
  if (!parts) throw new ExtraModelPathsError(`${where} must be a path or a block of paths (one a line), got ${describe(value)}`);
  return parts.map((l) => l.trim()).filter((l) => l.length > 0);
}

function describe(value: unknown): string {
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : `${typeof value} ${JSON.stringify(value)}`;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The section's base folder, or undefined when it has none (then paths resolve against the yaml file's folder). */
function basePathOf(section: Record<string, unknown>, where: string, ctx: PathContext): string | undefined {
  const raw = section.base_path;
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string') throw new ExtraModelPathsError(`${where}.base_path must be a path, got ${describe(raw)}`);
  return path.resolve(ctx.yamlDir, expandVars(expandHome(raw.trim(), ctx.home), ctx.env));
}

function sectionFolders(name: string, section: Record<string, unknown>, file: string, ctx: PathContext): ExtraModelFolder[] {
  const where = `${file}: ${name}`;
  const base = basePathOf(section, where, ctx) ?? ctx.yamlDir;
  const isDefault = section.is_default ?? false;
  if (typeof isDefault !== 'boolean') throw new ExtraModelPathsError(`${where}.is_default must be true or false, got ${describe(isDefault)}`);
  return Object.entries(section)
    .filter(([key]) => !SETTINGS.has(key))
    .flatMap(([folder, value]) => folderLines(value, `${where}.${folder}`)
      .map((line) => extraModelFolderSchema.parse({ folder, dir: path.resolve(base, line), isDefault, section: name })));
}

/**
 * The folders an `extra_model_paths.yaml` text names, in file order.
 * @param file the file's path, for messages; its folder is what relative paths resolve against
 * @throws ExtraModelPathsError for YAML that does not parse, a top level or section that is not a mapping, or a value
 *   of the wrong type, naming the file and the key
 */
export function parseExtraModelPaths(text: string, file: string, env: PathContext['env'] = process.env): ExtraModelFolder[] {
  let doc: unknown;
  try {
    // PyYAML (what ComfyUI reads with) speaks YAML 1.1, where `is_default: yes` is true.
    doc = parse(text, { version: '1.1' });
  } catch (err) {
    throw new ExtraModelPathsError(`${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return [];
  if (!isMapping(doc)) throw new ExtraModelPathsError(`${file} must be a mapping of sections (e.g. "comfyui:"), got ${describe(doc)}`);
  const ctx: PathContext = { yamlDir: path.dirname(path.resolve(file)), home: os.homedir(), env };
  return Object.entries(doc).flatMap(([name, section]) => {
    if (section === null) return []; // an empty section, as ComfyUI skips it
    if (!isMapping(section)) throw new ExtraModelPathsError(`${file}: section "${name}" must be a mapping of folder keys (base_path, checkpoints, …), got ${describe(section)}`);
    return sectionFolders(name, section, file, ctx);
  });
}

/**
 * Reads and parses an `extra_model_paths.yaml` file.
 * @throws ExtraModelPathsError when the file cannot be read, or as {@link parseExtraModelPaths}
 */
export function readExtraModelPaths(file: string): ExtraModelFolder[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ExtraModelPathsError(code === 'ENOENT' ? `${file} does not exist` : `cannot read ${file}: ${(err as Error).message}`);
  }
  return parseExtraModelPaths(text, file);
}

/**
 * The search order of one kind's folders, as ComfyUI's `folder_paths.add_model_folder_path` builds it: the data
 * dir's own folder first, each extra folder appended, or put first when its section `is_default`; a folder named
 * twice keeps its first place (or moves to the front for `is_default`).
 */
export function folderSearchOrder(own: string, extras: readonly ExtraModelFolder[]): string[] {
  const order = [own];
  for (const e of extras) {
    const at = order.indexOf(e.dir);
    if (at >= 0 && (!e.isDefault || at === 0)) continue;
    if (at >= 0) order.splice(at, 1);
    if (e.isDefault) order.unshift(e.dir);
    else order.push(e.dir);
  }
  return order;
}

/** Folder keys some loader reads: the model kinds, plus `tokenizers` for single-file checkpoints. */
const USED_KEYS: ReadonlySet<string> = new Set([...MODEL_KINDS, 'tokenizers']);

/**
 * Start-up log lines, one per extra folder (as ComfyUI's "Adding extra search path"), saying when a folder does not
 * exist and when no perceptgraph loader reads its key (`loras`, `controlnet`, …: accepted, as ComfyUI accepts any key).
 */
export function describeExtraFolders(folders: readonly ExtraModelFolder[]): string[] {
  return folders.map((f) => {
    const notes = [
      isDir(f.dir) ? undefined : 'missing',
      f.isDefault ? 'searched first' : undefined,
      USED_KEYS.has(f.folder) ? undefined : 'no perceptgraph loader reads this key',
    ].filter((n) => n !== undefined);
    return `extra model folder ${f.folder}: ${f.dir} (${[f.section, ...notes].join('; ')})`;
  });
}

