/**
 * Writing an IMAGE batch as PNG files the way ComfyUI's SaveImage/PreviewImage do: numbered names, and the
 * prompt and workflow embedded as tEXt chunks so the files load back into an editor.
 */
import { stringify } from 'lossless-json';
import type { ImageBatch } from '../tensors.js';
import { encodePng } from './encode.js';
import { noteSaved, resolveSavePath } from './save-path.js';
import { writeNewFile, type SaveFs } from './write-new-file.js';

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
  /**
   * The prompt already as JSON text, used instead of serialising `prompt` here: the server keeps a big prompt's
   * text, and serialising 50 MB again held the event loop for a second (issue 19; docs/reliability.md, "JSON").
   */
  readonly promptJson?: string;
  /** One chunk per key (normally `workflow`), each value as JSON. */
  readonly extraPngInfo?: Readonly<Record<string, unknown>>;
  readonly signal?: AbortSignal;
  /** Clock for date variables in the prefix. */
  readonly now?: Date;
  /** File operations (default node's fs); tests inject faults here. */
  readonly fs?: SaveFs;
}

/**
 * JSON with every non-ASCII character escaped (Python's `json.dumps` default), so the text fits a Latin-1 tEXt
 * chunk and reads back identically everywhere. Bigints (64-bit seeds) are written as exact number tokens.
 */
export function asciiJson(value: unknown): string {
  return asciiOnly(stringify(value) ?? 'null');
}

/** JSON text with every non-ASCII character written as a `\uXXXX` escape. */
export function asciiOnly(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The PNG text chunks ComfyUI writes: `prompt`, then one per `extra_pnginfo` key, each as JSON. `promptJson`, when
 * given, is the prompt's JSON text, used instead of serialising `prompt`.
 */
export function pngInfoChunks(prompt: unknown, extraPngInfo?: Readonly<Record<string, unknown>>, promptJson?: string): Record<string, string> {
  const chunks: Record<string, string> = {};
  if (promptJson !== undefined) chunks.prompt = asciiOnly(promptJson);
  else if (prompt !== undefined && prompt !== null) chunks.prompt = asciiJson(prompt);
  for (const [key, value] of Object.entries(extraPngInfo ?? {})) chunks[key] = asciiJson(value);
  return chunks;
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
  const textChunks = pngInfoChunks(options.prompt, options.extraPngInfo, options.promptJson);
  const refs: SavedImageRef[] = [];
  let counter = target.counter;
  for (let b = 0; b < batch; b++) {
    options.signal?.throwIfAborted();
    const png = await encodePng(images, b, { textChunks, compressionLevel: options.compressionLevel });
    const base = target.filename.replaceAll('%batch_num%', String(b));
    // Staged whole, then linked to its name: a crash never leaves a half-written PNG (write-new-file.ts).
    const written = await writeNewFile({
      root: options.root, folder: target.folder, counter, data: png, fs: options.fs,
      name: (c) => `${base}_${String(c).padStart(5, '0')}_.png`,
    });
    refs.push({ filename: written.file, subfolder: target.subfolder, type: options.type });
    counter = written.counter + 1;
    noteSaved(target.folder, target.filename, written.counter);
  }
  return refs;
}
