/**
 * Writing an IMAGE batch as PNG files the way ComfyUI's SaveImage/PreviewImage do: numbered names, and the
 * prompt and workflow embedded as tEXt chunks so the files load back into an editor.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'lossless-json';
import type { ImageBatch } from '../tensors.js';
import { encodePng } from './encode.js';
import { resolveSavePath } from './save-path.js';

/** A saved file as ComfyUI reports it in a node's `ui.images` (and as `/view` takes it back). */
export interface SavedImageRef {
  readonly filename: string;
  /** Folder relative to the type's root, `/`-separated, '' for the root. */
  readonly subfolder: string;
  readonly type: 'output' | 'temp' | 'input';
}

export interface SaveImagesOptions {
  /** Absolute root folder (the data directory's output/ or temp/). */
  readonly root: string;
  /** ComfyUI filename prefix; may contain subfolders and `%width%`-style variables, must stay inside `root`. */
  readonly prefix: string;
  readonly type: SavedImageRef['type'];
  /** zlib level 0..9 (ComfyUI: 4 for SaveImage, 1 for PreviewImage). */
  readonly compressionLevel: number;
  /** API prompt, embedded as the `prompt` chunk when given. */
  readonly prompt?: unknown;
  /** One chunk per key (normally `workflow`), each value as JSON. */
  readonly extraPngInfo?: Readonly<Record<string, unknown>>;
  readonly signal?: AbortSignal;
  /** Clock for date variables in the prefix. */
  readonly now?: Date;
}

/**
 * JSON with every non-ASCII character escaped (Python's `json.dumps` default), so the text fits a Latin-1 tEXt
 * chunk and reads back identically everywhere. Bigints (64-bit seeds) are written as exact number tokens.
 */
export function asciiJson(value: unknown): string {
  const json = stringify(value) ?? 'null';
  return json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The PNG text chunks ComfyUI writes: `prompt`, then one per `extra_pnginfo` key, each as JSON. */
export function pngInfoChunks(prompt: unknown, extraPngInfo?: Readonly<Record<string, unknown>>): Record<string, string> {
  const chunks: Record<string, string> = {};
  if (prompt !== undefined && prompt !== null) chunks.prompt = asciiJson(prompt);
  for (const [key, value] of Object.entries(extraPngInfo ?? {})) chunks[key] = asciiJson(value);
  return chunks;
}

/** Writes without overwriting; on a name collision (a concurrent save) the counter moves on. */
async function writeNew(folder: string, name: (counter: number) => string, counter: number, data: Buffer): Promise<{ file: string; counter: number }> {
  for (let c = counter; ; c++) {
    try {
      await writeFile(path.join(folder, name(c)), data, { flag: 'wx' });
      return { file: name(c), counter: c };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/**
 * Saves every item of `images` [B,H,W,3] as `<prefix>_<counter:05>_.png` (`%batch_num%` in the name becomes the
 * item index), counting up from the first free counter.
 * @returns one reference per written file, in batch order.
 * @throws PathOutsideRootError when the prefix leaves the root.
 */
export async function saveImageBatch(images: ImageBatch, options: SaveImagesOptions): Promise<SavedImageRef[]> {
  const [batch, height, width] = images.dims;
  const target = resolveSavePath(options.root, options.prefix, { width, height, now: options.now });
  const textChunks = pngInfoChunks(options.prompt, options.extraPngInfo);
  const refs: SavedImageRef[] = [];
  let counter = target.counter;
  for (let b = 0; b < batch; b++) {
    options.signal?.throwIfAborted();
    const png = await encodePng(images, b, { textChunks, compressionLevel: options.compressionLevel });
    const base = target.filename.replaceAll('%batch_num%', String(b));
    const written = await writeNew(target.folder, (c) => `${base}_${String(c).padStart(5, '0')}_.png`, counter, png);
    refs.push({ filename: written.file, subfolder: target.subfolder, type: options.type });
    counter = written.counter + 1;
  }
  return refs;
}
