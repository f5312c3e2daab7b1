/**
 * `POST /upload/image`: streams the multipart file part to a temporary file (bounded by `maxBytes` → 413),
 * checks its pixel count, then moves it into input/output/temp with ComfyUI's naming: an identical existing
 * file is reused, a different one gets `name (1).ext`, `name (2).ext`, … unless `overwrite` is set.
 */
import Busboy from 'busboy';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { DataDirs } from '../data-dir.js';
import { FileAccessError } from './file-access-error.js';
import { assertPixelLimit } from './image-limits.js';
import { PARTIAL_DIR } from '../../models/image/write-new-file.js';
import { MAX_NAME_BYTES, checkFileName, ensureDirInside, existsInside, folderRoot, subfolderPath, type FolderType } from './safe-path.js';

export interface UploadOptions {
  readonly dirs: DataDirs;
  /** Largest accepted file part, bytes. */
  readonly maxBytes: number;
  /** Largest accepted image, pixels (width × height × frames). */
  readonly maxPixels: number;
  /**
   * Rewrites the received file in place before it is named and stored, given the form's other fields
   * (`/upload/mask` composites the mask onto the original image here).
   */
  readonly prepare?: (file: string, fields: Readonly<Record<string, string>>) => Promise<void>;
}

/** ComfyUI's reply: the stored name (maybe deduplicated), its subfolder and folder type. */
export interface UploadResult {
  name: string;
  subfolder: string;
  type: FolderType;
}

interface Received {
  fields: Record<string, string>;
  file?: { tmp: string; filename: string };
}

/** Parses the multipart body; the file goes to `tmpDir`. Rejects 413 past `maxBytes`, 400 on malformed bodies. */
function receive(req: IncomingMessage, tmpDir: string, maxBytes: number): Promise<Received> {
  return new Promise((resolve, reject) => {
    let bb: Busboy.Busboy;
    try {
      // preservePath: see the raw client name, so traversal attempts are refused (400) rather than silently basenamed.
      // defParamCharset utf8: browsers send UTF-8 file names raw (busboy's default latin1 garbles `café.png`).
      bb = Busboy({
        headers: req.headers, preservePath: true, defParamCharset: 'utf8',
        limits: { fileSize: maxBytes, files: 1, fields: 32, fieldSize: 64 * 1024 },
      });
    } catch (err) {
      reject(new FileAccessError(400, `expected a multipart/form-data body: ${err instanceof Error ? err.message : String(err)}`));
      return;
    }
    const out: Received = { fields: {} };
    const writes: Promise<void>[] = [];
    let tooLarge = false;
    let settled = false;
    const sink: { stream?: NodeJS.ReadableStream & { destroy(e?: Error): void }; file?: WriteStream } = {};
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      // Close the descriptor and drop the temp file: an aborted upload leaves nothing behind.
      sink.stream?.destroy();
      sink.file?.destroy();
      const tmp = out.file?.tmp;
      void Promise.allSettled(writes).then(() => (tmp ? rm(tmp, { force: true }) : undefined)).finally(() => reject(err));
    };
    bb.on('field', (name, value) => (out.fields[name] = value));
    bb.on('file', (name, stream, info) => {
      if (name !== 'image' || !info.filename) return void stream.resume();
      const tmp = path.join(tmpDir, `upload-${randomUUID()}`);
      out.file = { tmp, filename: info.filename };
      stream.on('limit', () => {
        tooLarge = true;
        // Stop parsing at once; the error handler reads a bounded rest of the body so the client sees the 413.
        req.unpipe(bb);
        fail(new FileAccessError(413, `upload exceeds the limit of ${maxBytes} bytes`));
      });
      sink.stream = stream;
      sink.file = createWriteStream(tmp);
      writes.push(pipeline(stream, sink.file));
    });
    bb.on('error', (err) => fail(new FileAccessError(400, `malformed multipart body: ${err instanceof Error ? err.message : String(err)}`)));
    bb.on('close', () => {
      Promise.all(writes).then(
        async () => {
          if (settled) return;
          if (!tooLarge) return void ((settled = true), resolve(out));
          fail(new FileAccessError(413, `upload exceeds the limit of ${maxBytes} bytes`));
        },
        (err) => fail(err),
      );
    });
    // The client went away mid-body: busboy never closes then, so end the file here.
    req.on('close', () => {
      if (!req.complete) fail(new FileAccessError(400, 'upload aborted by the client'));
    });
    req.pipe(bb);
  });
}

async function sha256(file: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(file), h);
  return h.digest('hex');
}

/** Finds the name to store under: the existing identical file, or the first free `name (i).ext`. */
async function chooseName(root: string, dir: string, filename: string, tmp: string, overwrite: boolean): Promise<{ name: string; duplicate: boolean }> {
  if (overwrite) return { name: filename, duplicate: false };
  const ext = path.extname(filename);
  const stem = filename.slice(0, filename.length - ext.length);
  let name = filename;
  let tmpHash: string | undefined;
  for (let i = 1; await existsInside(root, path.join(dir, name)); i++) {
    tmpHash ??= await sha256(tmp);
    if ((await sha256(path.join(dir, name))) === tmpHash) return { name, duplicate: true };
    name = `${stem} (${i})${ext}`;
  }
  return { name, duplicate: false };
}

/**
 * Moves a file into place without following a symlink at the target (rename replaces the link itself). Across
 * file systems the copy goes to the root's `.partial/` first, so the target only ever shows a whole file.
 */
async function moveInto(tmp: string, target: string, root: string): Promise<void> {
  try {
    await rename(tmp, target);
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
  }
  const stagingDir = path.join(root, PARTIAL_DIR);
  await mkdir(stagingDir, { recursive: true });
  const staged = path.join(stagingDir, `upload-${randomUUID()}.tmp`);
  try {
    await copyFile(tmp, staged);
    await rename(staged, target);
  } finally {
    await rm(staged, { force: true });
  }
}

/** Handles one upload request end to end. */
export async function receiveUpload(req: IncomingMessage, options: UploadOptions): Promise<UploadResult> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  // Multipart framing adds a little; anything far beyond the file limit is refused before reading.
  if (declared > options.maxBytes + 64 * 1024) throw new FileAccessError(413, `upload of ${declared} bytes exceeds the limit of ${options.maxBytes} bytes`);
  const tmpDir = path.join(options.dirs.temp, '.uploads');
  await mkdir(tmpDir, { recursive: true });
  const got = await receive(req, tmpDir, options.maxBytes);
  if (!got.file) throw new FileAccessError(400, 'no file part named "image" with a filename');
  try {
    const type = (got.fields.type || 'input') as FolderType;
    const root = folderRoot(options.dirs, type);
    const filename = checkFileName(got.file.filename);
    const subfolder = got.fields.subfolder ?? '';
    const dir = subfolderPath(root, subfolder, 400);
    await assertPixelLimit(got.file.tmp, filename, options.maxPixels);
    if (options.prepare) await options.prepare(got.file.tmp, got.fields);
    await ensureDirInside(root, dir);
    const overwrite = got.fields.overwrite === 'true' || got.fields.overwrite === '1';
    const { name, duplicate } = await chooseName(root, dir, filename, got.file.tmp, overwrite);
    if (!duplicate) await moveInto(got.file.tmp, path.join(dir, name), root);
    return { name, subfolder, type };
  } catch (err) {
    // A deduplicated `name (12).ext` can still outgrow the limit that checkFileName enforced.
    if ((err as NodeJS.ErrnoException).code === 'ENAMETOOLONG') throw new FileAccessError(400, `file name too long (at most ${MAX_NAME_BYTES} bytes)`);
    throw err;
  } finally {
    await rm(got.file.tmp, { force: true });
  }
}
