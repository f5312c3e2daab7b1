/**
 * safetensors reader: an 8-byte little-endian header length, a JSON header of
 * `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {k: string}}`, then the raw data. Tensors are
 * read one at a time with positional reads, so a multi-GB file never needs to be in memory; every read is checked
 * against the header first so a truncated or corrupt file fails with a message naming the file and the tensor.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { z } from 'zod';
import { fromBfloat16, fromFloat16 } from '../float16.js';

/** Element types this reader decodes (floats are what models need; integer types are tolerated). */
export const SAFETENSORS_DTYPES = { F32: 4, F16: 2, BF16: 2, F64: 8, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 } as const;
/** A safetensors element type. */
export type SafetensorsDtype = keyof typeof SAFETENSORS_DTYPES;

/** One tensor's header entry. */
export interface SafetensorsTensorInfo {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** Byte offsets into the data section, [begin, end). */
  readonly offsets: readonly [number, number];
}

/** An open safetensors file. Call `close()` when done. */
export interface SafetensorsFile {
  readonly path: string;
  /** The `__metadata__` string map ({} when absent). */
  readonly metadata: Readonly<Record<string, string>>;
  readonly tensors: Readonly<Record<string, SafetensorsTensorInfo>>;
  /** Reads one tensor and converts it to float32 (F16/BF16/F64/ints by value). */
  read(name: string): Promise<Float32Array>;
  close(): Promise<void>;
}

/** A file that is not a valid safetensors file, or a read that failed; the message names the file. */
export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
  constructor(readonly file: string, problem: string) {
    super(`safetensors ${file}: ${problem}`);
  }
}

/** The safetensors format caps headers at 100 MB; anything larger is a corrupt length. */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

const entrySchema = z.object({
  dtype: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  data_offsets: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
});
const metadataSchema = z.record(z.string(), z.string());

/**
 * Opens a safetensors file and validates its header: length within the file, JSON, known dtypes, offsets inside
 * the data section, and `shape × dtype size = end − begin` for every tensor.
 * @throws SafetensorsError naming the file and what is wrong
 */
export async function openSafetensors(file: string): Promise<SafetensorsFile> {
  const handle = await open(file, 'r').catch((e: Error) => {
    throw new SafetensorsError(file, `cannot open (${e.message})`);
  });
  try {
    const { metadata, tensors, dataStart } = await readHeader(handle, file);
    return {
      path: file,
      metadata,
      tensors,
      read: (name) => readTensor({ handle, file, tensors, dataStart, name }),
      close: () => handle.close(),
    };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/** Reads only the header (metadata and tensor table) and closes the file. */
export async function readSafetensorsHeader(file: string): Promise<Pick<SafetensorsFile, 'metadata' | 'tensors'>> {
  const f = await openSafetensors(file);
  await f.close();
  return { metadata: f.metadata, tensors: f.tensors };
}

async function readHeader(handle: FileHandle, file: string) {
  const size = (await handle.stat()).size;
  const headerLen = checkHeaderLength(file, size, size < 8 ? undefined : await readExact(handle, file, 0, 8));
  return parseHeader(file, size, await readExact(handle, file, 8, headerLen));
}

/**
 * Reads and validates only the header, synchronously (for directory listings, which must answer synchronously for
 * COMBO choices). Reads 8 + header-length bytes, never the data.
 * @throws SafetensorsError as {@link openSafetensors}
 */
export function readSafetensorsHeaderSync(file: string): Pick<SafetensorsFile, 'metadata' | 'tensors'> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new SafetensorsError(file, `cannot open (${(e as Error).message})`);
  }
  try {
    const size = fstatSync(fd).size;
    const readSync_ = (position: number, length: number) => {
      const out = new Uint8Array(length);
      if (readSync(fd, out, 0, length, position) !== length) throw new SafetensorsError(file, 'unexpected end of file');
      return out;
    };
    const headerLen = checkHeaderLength(file, size, size < 8 ? undefined : readSync_(0, 8));
    const { metadata, tensors } = parseHeader(file, size, readSync_(8, headerLen));
    return { metadata, tensors };
  } finally {
    closeSync(fd);
  }
}

/** Validates the 8-byte little-endian header length against the file size and returns it. */
function checkHeaderLength(file: string, size: number, lenBytes: Uint8Array | undefined): number {
  if (!lenBytes) throw new SafetensorsError(file, `file is ${size} bytes, too short for the 8-byte header length`);
  const headerLen = Number(new DataView(lenBytes.buffer, lenBytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLen > size - 8 || headerLen > MAX_HEADER_BYTES) {
    throw new SafetensorsError(file, `header length ${headerLen} does not fit in a ${size}-byte file (truncated or not safetensors)`);
  }
  return headerLen;
}

/** Parses and checks the JSON header; `size` is the whole file's size in bytes. */
function parseHeader(file: string, size: number, headerBytes: Uint8Array) {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(headerBytes));
  } catch (e) {
    throw new SafetensorsError(file, `header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SafetensorsError(file, 'header is not a JSON object');
  }
  const dataStart = 8 + headerBytes.byteLength;
  const { __metadata__: rawMeta, ...entries } = json as Record<string, unknown>;
  const meta = metadataSchema.safeParse(rawMeta ?? {});
  if (!meta.success) throw new SafetensorsError(file, '__metadata__ must map strings to strings');
  const tensors: Record<string, SafetensorsTensorInfo> = {};
  for (const [name, raw] of Object.entries(entries)) tensors[name] = checkEntry(file, name, raw, size - dataStart);
  return { metadata: meta.data, tensors, dataStart };
}

function checkEntry(file: string, name: string, raw: unknown, dataBytes: number): SafetensorsTensorInfo {
  const parsed = entrySchema.safeParse(raw);
  if (!parsed.success) {
    throw new SafetensorsError(file, `tensor "${name}" has a malformed entry (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  }
  const { dtype, shape, data_offsets: [begin, end] } = parsed.data;
  if (!(dtype in SAFETENSORS_DTYPES)) {
    throw new SafetensorsError(file, `tensor "${name}" has unsupported dtype ${dtype} (supported: ${Object.keys(SAFETENSORS_DTYPES).join(', ')})`);
  }
  if (begin > end || end > dataBytes) {
    throw new SafetensorsError(file, `tensor "${name}" offsets [${begin}, ${end}] are outside the ${dataBytes}-byte data section (truncated file?)`);
  }
  const expected = shape.reduce((a, b) => a * b, 1) * SAFETENSORS_DTYPES[dtype as SafetensorsDtype];
  if (expected !== end - begin) {
    throw new SafetensorsError(file, `tensor "${name}" ${dtype} [${shape.join(',')}] needs ${expected} bytes but its offsets span ${end - begin}`);
  }
  return { dtype: dtype as SafetensorsDtype, shape, offsets: [begin, end] };
}

interface ReadRequest {
  readonly handle: FileHandle;
  readonly file: string;
  readonly tensors: Readonly<Record<string, SafetensorsTensorInfo>>;
  readonly dataStart: number;
  readonly name: string;
}

async function readTensor({ handle, file, tensors, dataStart, name }: ReadRequest): Promise<Float32Array> {
  const info = tensors[name];
  if (!info) throw new SafetensorsError(file, `no tensor "${name}" (has ${Object.keys(tensors).length}: ${Object.keys(tensors).slice(0, 8).join(', ')}…)`);
  const [begin, end] = info.offsets;
  // A fresh, aligned buffer viewed in place; safetensors data is little-endian like every host we run on.
  const buf = (await readExact(handle, file, dataStart + begin, end - begin)).buffer;
  switch (info.dtype) {
    case 'F32': return new Float32Array(buf);
    case 'F16': return fromFloat16(new Uint16Array(buf));
    case 'BF16': return fromBfloat16(new Uint16Array(buf));
    case 'F64': return Float32Array.from(new Float64Array(buf));
    case 'I64': return Float32Array.from(new BigInt64Array(buf), Number);
    case 'I32': return Float32Array.from(new Int32Array(buf));
    case 'I16': return Float32Array.from(new Int16Array(buf));
    case 'I8': return Float32Array.from(new Int8Array(buf));
    case 'U8':
    case 'BOOL': return Float32Array.from(new Uint8Array(buf));
  }
}

/** Reads exactly `length` bytes at `position` into a new ArrayBuffer, in chunks (one `read` is capped at 2 GiB). */
async function readExact(handle: FileHandle, file: string, position: number, length: number): Promise<Uint8Array<ArrayBuffer>> {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const chunk = Math.min(length - done, 1 << 30);
    const { bytesRead } = await handle.read(out, done, chunk, position + done);
    if (bytesRead === 0) throw new SafetensorsError(file, `unexpected end of file at byte ${position + done}`);
    done += bytesRead;
  }
  return out;
}
