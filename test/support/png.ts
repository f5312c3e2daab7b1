/**
 * PNG files assembled chunk by chunk with node:zlib only, independent of the code under test, so a test can
 * build exactly the header and data it needs (16-bit samples, odd colour types, a "decompression bomb").
 */
import { crc32 } from 'node:zlib';

/** The 8-byte PNG signature. */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One chunk: big-endian length, the 4-letter type, the data and the CRC-32 of type + data. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Options of {@link rawPng}: the IHDR fields (no interlace) and the already-deflated IDAT payload. */
export interface RawPngOptions {
  readonly width: number;
  readonly height: number;
  /** 1, 2, 4, 8 or 16 (not checked: a test may want a bad one). */
  readonly bitDepth: number;
  /** PNG colour type: 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
  readonly colorType: number;
  /** zlib-compressed scanlines, each with its filter byte; it may hold fewer rows than the header claims. */
  readonly idat: Buffer;
}

/** Signature, IHDR, one IDAT and IEND. */
export function rawPng(o: RawPngOptions): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(o.width, 0);
  ihdr.writeUInt32BE(o.height, 4);
  ihdr[8] = o.bitDepth;
  ihdr[9] = o.colorType;
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', o.idat), pngChunk('IEND', Buffer.alloc(0))]);
}
