/** Test images: small real PNGs, and a "decompression bomb" PNG that declares huge dimensions in a few bytes. */
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/** A solid RGBA PNG of `w`×`h`. */
export function pngBytes(w = 4, h = 3, alpha = 200): Promise<Buffer> {
  return sharp({ create: { width: w, height: h, channels: 4, background: { r: 10, g: 200, b: 30, alpha: alpha / 255 } } }).png().toBuffer();
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A valid-header grey PNG claiming `side`×`side` pixels (default 100,000² = 10 gigapixels) in under 1 KB. */
export function bombPng(side = 100_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const rows = deflateSync(Buffer.alloc((side + 1) * 2)); // only two rows of data: decoding would fail late
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', rows), chunk('IEND', Buffer.alloc(0))]);
}
