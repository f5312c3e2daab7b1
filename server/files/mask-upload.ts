/**
 * `POST /upload/mask`: the uploaded image's alpha channel becomes the alpha of the image that `original_ref`
 * names (`{filename, subfolder?, type?}`, type default `output`, annotated names allowed), and the result is
 * stored as a PNG that keeps the original's text chunks (its prompt/workflow), as ComfyUI's server.py does.
 * Where ComfyUI silently stores nothing (original missing) or fails with a 500 (sizes differ), we answer 404/400.
 */
import { readFile, writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { insertPngTextChunks, readPngTextChunks } from '../../models/image/png-text.js';
import type { DataDirs } from '../data-dir.js';
import { FileAccessError } from './file-access-error.js';
import { resolveViewFile } from './view-file.js';

/** The `original_ref` form field, parsed: 400 unless a JSON object with a string `filename`. */
function originalRef(fields: Readonly<Record<string, string>>): { filename: string; subfolder?: string; type?: string } {
  const raw = fields.original_ref;
  if (raw === undefined) throw new FileAccessError(400, 'missing "original_ref" form field');
  let ref: unknown;
  try {
    ref = JSON.parse(raw);
  } catch {
    throw new FileAccessError(400, '"original_ref" is not JSON');
  }
  const r = ref as Record<string, unknown> | null;
  if (typeof r !== 'object' || r === null || typeof r.filename !== 'string' || r.filename === '') {
    throw new FileAccessError(400, '"original_ref" must be an object with a "filename"');
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { filename: r.filename, subfolder: str(r.subfolder), type: str(r.type) ?? 'output' };
}

/** The `prepare` hook of the mask upload: replaces `file` (the mask) with the original image carrying its alpha. */
export function applyMaskToOriginal(dirs: DataDirs, maxPixels: number): (file: string, fields: Readonly<Record<string, string>>) => Promise<void> {
  return async (file, fields) => {
    const original = await resolveViewFile(dirs, originalRef(fields));
    const bytes = await readFile(original.path);
    try {
      const base = sharp(bytes, { limitInputPixels: maxPixels }).ensureAlpha();
      const mask = sharp(file, { limitInputPixels: maxPixels }).ensureAlpha();
      const [b, m] = await Promise.all([base.raw().toBuffer({ resolveWithObject: true }), mask.extractChannel(3).raw().toBuffer({ resolveWithObject: true })]);
      if (b.info.width !== m.info.width || b.info.height !== m.info.height) {
        throw new FileAccessError(400, `mask is ${m.info.width}×${m.info.height} but "${original.name}" is ${b.info.width}×${b.info.height}`);
      }
      for (let i = 0; i < m.data.length; i++) b.data[i * 4 + 3] = m.data[i]!;
      const png = await sharp(b.data, { raw: { width: b.info.width, height: b.info.height, channels: 4 } }).png({ compressionLevel: 4 }).toBuffer();
      const isPng = bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      await writeFile(file, isPng ? insertPngTextChunks(png, readPngTextChunks(bytes)) : png);
    } catch (err) {
      if (err instanceof FileAccessError) throw err;
      throw new FileAccessError(400, `cannot apply the mask to "${original.name}": ${err instanceof Error ? err.message : String(err)}`);
    }
  };
}
