/**
 * `GET /view`: which file a query names, and how to render it (as-is, a `preview` re-encode, or one `channel`).
 * Transport-free: returns bytes or a path plus headers; the route writes them.
 */
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import type { DataDirs } from '../data-dir.js';
import { contentTypeFor } from './content-types.js';
import { FileAccessError } from './file-access-error.js';
import { checkFileName, folderRoot, parseAnnotatedName, realFileInside, subfolderPath } from './safe-path.js';

/** The query of `/view` (all strings as they arrive). */
export interface ViewQuery {
  readonly filename?: string;
  readonly type?: string;
  readonly subfolder?: string;
  readonly preview?: string;
  readonly channel?: string;
}

/** What to send: a file to stream, or rendered bytes; `headers` include Content-Type and Content-Disposition. */
export type ViewResult =
  | { readonly kind: 'file'; readonly path: string; readonly headers: Record<string, string> }
  | { readonly kind: 'bytes'; readonly body: Buffer; readonly headers: Record<string, string> };

/** Resolves the file a `/view` query names (ComfyUI's checks, then realpath containment). */
export async function resolveViewFile(dirs: DataDirs, q: ViewQuery): Promise<{ path: string; name: string }> {
  if (q.filename === undefined) throw new FileAccessError(404, 'missing "filename" query parameter');
  const annotated = parseAnnotatedName(q.filename);
  const name = checkFileName(annotated.name, { allowSeparators: true });
  const root = folderRoot(dirs, annotated.type ?? q.type ?? 'output');
  const dir = subfolderPath(root, q.subfolder ?? '', 403);
  return { path: await realFileInside(root, path.join(dir, name)), name };
}

function disposition(name: string, attachment: boolean): string {
  const safe = name.replace(/["\\\r\n]/g, '_');
  return `${attachment ? 'attachment; ' : ''}filename="${safe}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * Renders a resolved file. `maxPixels` bounds decoding for `preview`/`channel` (sharp `limitInputPixels`), so a
 * decompression bomb is refused (400) instead of exhausting memory.
 */
export async function renderView(file: { path: string; name: string }, q: ViewQuery, maxPixels: number): Promise<ViewResult> {
  const channel = q.channel ?? 'rgba';
  // ComfyUI checks the channel *parameter* for "a" here, so the implicit rgba default keeps jpeg previews.
  if (q.preview !== undefined) return renderPreview(file, q.preview, q.channel ?? '', maxPixels);
  if (channel === 'rgb' || channel === 'a') return renderChannel(file, channel, maxPixels);
  const { type, active } = contentTypeFor(file.name);
  return { kind: 'file', path: file.path, headers: { 'Content-Type': type, 'Content-Disposition': disposition(file.name, active) } };
}

function decoder(file: string, maxPixels: number): Sharp {
  return sharp(file, { limitInputPixels: maxPixels, failOn: 'error' });
}

/** sharp failures become 400 naming the file and the reason (pixel limit, not an image). */
async function decodeWith<T>(name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw new FileAccessError(400, `cannot decode "${name}" as an image: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function renderPreview(file: { path: string; name: string }, preview: string, channel: string, maxPixels: number): Promise<ViewResult> {
  const parts = preview.split(';');
  let format = parts[0] === 'jpeg' ? 'jpeg' : 'webp';
  if (channel.includes('a')) format = 'webp';
  const last = parts[parts.length - 1]!;
  const quality = /^\d+$/.test(last) ? Math.min(100, Math.max(1, Number(last))) : 90;
  const body = await decodeWith(file.name, () => {
    const img = decoder(file.path, maxPixels);
    return format === 'jpeg' ? img.flatten().jpeg({ quality }).toBuffer() : img.webp({ quality }).toBuffer();
  });
  return { kind: 'bytes', body, headers: { 'Content-Type': `image/${format}`, 'Content-Disposition': disposition(file.name, false) } };
}

async function renderChannel(file: { path: string; name: string }, channel: 'rgb' | 'a', maxPixels: number): Promise<ViewResult> {
  const body = await decodeWith(file.name, async (): Promise<Buffer> => {
    if (channel === 'rgb') return decoder(file.path, maxPixels).removeAlpha().png().toBuffer();
    // ComfyUI: black RGB carrying the source alpha (opaque when the source has none).
    const { data, info } = await decoder(file.path, maxPixels).ensureAlpha().extractChannel(3).raw().toBuffer({ resolveWithObject: true });
    const rgba = Buffer.alloc(info.width * info.height * 4);
    for (let i = 0; i < info.width * info.height; i++) rgba[i * 4 + 3] = data[i]!;
    return sharp(rgba, { raw: { width: info.width, height: info.height, channels: 4 } }).png().toBuffer();
  });
  return { kind: 'bytes', body, headers: { 'Content-Type': 'image/png', 'Content-Disposition': disposition(file.name, false) } };
}
