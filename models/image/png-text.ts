/**
 * PNG text chunks (tEXt, zTXt, iTXt): written into and read back from encoded PNG files.
 *
 * Why by hand: sharp (libvips) can only attach EXIF/XMP/ICC metadata, not arbitrary tEXt chunks, yet ComfyUI
 * clients find the `prompt` and `workflow` JSON of an output image in tEXt chunks (Pillow's `PngInfo.add_text`).
 * The PNG chunk layout is simple (length, type, data, CRC-32 over type+data; PNG spec §5.3), so we splice the
 * chunks in after IHDR ourselves instead of adding a PNG library.
 */
import zlib from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Upper bound for one inflated zTXt/iTXt value, so a compressed text chunk cannot exhaust memory. */
const MAX_INFLATED_TEXT = 64 * 1024 * 1024;

let crcTable: Uint32Array | undefined;

/** The table-driven CRC-32 used where Node lacks `zlib.crc32` (added in Node 20.15; we support all of Node 20). */
export function tableCrc32(data: Uint8Array): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const nativeCrc32 = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;

/** The PNG/zlib CRC-32 (polynomial 0xEDB88320): `zlib.crc32` when Node has it, else `tableCrc32`. */
export function crc32(data: Uint8Array): number {
  return nativeCrc32 ? nativeCrc32(data) >>> 0 : tableCrc32(data);
}

/** Encodes one PNG chunk: 4-byte big-endian length, 4-byte type, data, CRC-32 of type+data. */
export function encodePngChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function isLatin1(s: string): boolean {
  return !/[^\u0000-\u00ff]/.test(s);
}

/** PNG §11.3.4.2: keywords are 1-79 Latin-1 characters, printable, no leading/trailing/double spaces. */
function checkKeyword(key: string): void {
  if (key.length < 1 || key.length > 79 || !isLatin1(key) || /[\u0000-\u001f\u007f-\u00a0]/.test(key) || /^ | $| {2}/.test(key)) {
    throw new Error(`PNG text keyword ${JSON.stringify(key)} is invalid: expected 1-79 printable Latin-1 characters`);
  }
}

/**
 * Encodes one text entry as tEXt when the value is Latin-1 (what Pillow writes, and what ComfyUI's ASCII JSON
 * always is), else as uncompressed iTXt so UTF-8 text survives.
 */
export function encodeTextChunk(key: string, value: string): Buffer {
  checkKeyword(key);
  if (isLatin1(value)) return encodePngChunk('tEXt', Buffer.concat([Buffer.from(key, 'latin1'), Buffer.from([0]), Buffer.from(value, 'latin1')]));
  // iTXt: keyword \0, compression flag 0, method 0, empty language tag \0, empty translated keyword \0, UTF-8 text.
  const head = Buffer.concat([Buffer.from(key, 'latin1'), Buffer.from([0, 0, 0, 0, 0])]);
  return encodePngChunk('iTXt', Buffer.concat([head, Buffer.from(value, 'utf8')]));
}

function checkSignature(png: Uint8Array): void {
  if (png.length < 33 || !SIGNATURE.equals(png.subarray(0, 8))) throw new Error('not a PNG file: the 8-byte PNG signature is missing');
}

/**
 * Returns a copy of `png` with one text chunk per entry inserted right after IHDR, in the entries' order.
 * @param png a complete PNG file whose first chunk is IHDR.
 * @param chunks keyword → text; keywords must be valid PNG keywords (1-79 Latin-1 chars).
 */
export function insertPngTextChunks(png: Uint8Array, chunks: Readonly<Record<string, string>>): Buffer {
  checkSignature(png);
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (buf.toString('latin1', 12, 16) !== 'IHDR') throw new Error('invalid PNG: the first chunk is not IHDR');
  const ihdrEnd = 8 + 12 + buf.readUInt32BE(8);
  const text = Object.entries(chunks).map(([k, v]) => encodeTextChunk(k, v));
  return Buffer.concat([buf.subarray(0, ihdrEnd), ...text, buf.subarray(ihdrEnd)]);
}

function inflateText(data: Buffer, chunk: string): Buffer {
  try {
    return zlib.inflateSync(data, { maxOutputLength: MAX_INFLATED_TEXT });
  } catch (e) {
    throw new Error(`invalid PNG ${chunk} chunk: ${(e as Error).message}`);
  }
}

/** Decodes a tEXt, zTXt or iTXt chunk body into [keyword, text]. */
function decodeTextChunk(type: string, data: Buffer): [string, string] | undefined {
  const nul = data.indexOf(0);
  if (nul < 0) return undefined;
  const key = data.toString('latin1', 0, nul);
  if (type === 'tEXt') return [key, data.toString('latin1', nul + 1)];
  if (type === 'zTXt') return [key, inflateText(data.subarray(nul + 2), type).toString('latin1')];
  const compressed = data[nul + 1] === 1;
  const langEnd = data.indexOf(0, nul + 3);
  const transEnd = langEnd < 0 ? -1 : data.indexOf(0, langEnd + 1);
  if (transEnd < 0) return undefined;
  const body = data.subarray(transEnd + 1);
  return [key, (compressed ? inflateText(body, type) : body).toString('utf8')];
}

/**
 * Reads every tEXt, zTXt and iTXt chunk of a PNG file (later duplicates win), stopping at IEND.
 * @returns keyword → text (Latin-1 for tEXt/zTXt, UTF-8 for iTXt).
 * @throws when the signature is missing or a chunk runs past the end of the buffer.
 */
export function readPngTextChunks(png: Uint8Array): Record<string, string> {
  checkSignature(png);
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  const out: Record<string, string> = {};
  let at = 8;
  while (at + 12 <= buf.length) {
    const length = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    if (at + 12 + length > buf.length) throw new Error(`invalid PNG: chunk ${type} at byte ${at} runs past the end of the file`);
    if (type === 'IEND') break;
    if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') {
      const entry = decodeTextChunk(type, buf.subarray(at + 8, at + 8 + length));
      if (entry) out[entry[0]] = entry[1];
    }
    at += 12 + length;
  }
  return out;
}
