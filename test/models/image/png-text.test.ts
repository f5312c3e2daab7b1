import zlib from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { crc32, encodePngChunk, tableCrc32, insertPngTextChunks, readPngTextChunks } from '../../../models/image/png-text.js';

async function tinyPng(): Promise<Buffer> {
  return sharp({ create: { width: 3, height: 2, channels: 3, background: { r: 10, g: 20, b: 30 } } }).png().toBuffer();
}

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.from('IEND'))).toBe(0xae426082);
  });

  it('has a table fallback that agrees with the check values', () => {
    expect(tableCrc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff));
    expect(tableCrc32(bytes)).toBe(crc32(bytes));
  });
});

describe('insertPngTextChunks', () => {
  it('puts the chunks right after IHDR, with valid CRCs, and the PNG still decodes', async () => {
    const png = await tinyPng();
    const out = insertPngTextChunks(png, { prompt: '{"1":{"class_type":"X"}}', workflow: '{"nodes":[]}' });
    expect(out.toString('latin1', 37, 41)).toBe('tEXt');
    const len = out.readUInt32BE(33);
    const crc = out.readUInt32BE(33 + 8 + len);
    expect(crc).toBe(crc32(out.subarray(37, 33 + 8 + len)));
    const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, ...data.subarray(0, 3)]).toEqual([3, 2, 10, 20, 30]);
  });

  it('writes non-Latin-1 text as iTXt so it survives', async () => {
    const out = insertPngTextChunks(await tinyPng(), { note: 'γειά ✓' });
    expect(out.includes(Buffer.from('iTXt'))).toBe(true);
    expect(readPngTextChunks(out)).toEqual({ note: 'γειά ✓' });
  });

  it('refuses invalid keywords and non-PNG input', async () => {
    expect(() => insertPngTextChunks(Buffer.alloc(40), { a: 'b' })).toThrow(/PNG signature/);
    expect(() => insertPngTextChunks(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Buffer.alloc(30)]), { a: 'b' })).toThrow(/IHDR/);
    const png = await tinyPng();
    expect(() => insertPngTextChunks(png, { '': 'x' })).toThrow(/keyword/);
    expect(() => insertPngTextChunks(png, { ['k'.repeat(80)]: 'x' })).toThrow(/keyword/);
  });
});

describe('readPngTextChunks', () => {
  it('reads back tEXt values written by insertPngTextChunks, in order', async () => {
    const chunks = { prompt: '{"a":1}', workflow: '{"b":"\\u00e9"}', Comment: 'Latin-1 é' };
    const back = readPngTextChunks(insertPngTextChunks(await tinyPng(), chunks));
    expect(back).toEqual(chunks);
    expect(Object.keys(back)).toEqual(['prompt', 'workflow', 'Comment']);
  });

  it('reads zTXt and compressed iTXt chunks', async () => {
    const png = await tinyPng();
    const ztxt = encodePngChunk('zTXt', Buffer.concat([Buffer.from('z\0\0'), zlib.deflateSync(Buffer.from('squeezed'))]));
    const itxt = encodePngChunk('iTXt', Buffer.concat([Buffer.from('i\0\x01\0en\0\0'), zlib.deflateSync(Buffer.from('ünï', 'utf8'))]));
    const withChunks = Buffer.concat([png.subarray(0, 33), ztxt, itxt, png.subarray(33)]);
    expect(readPngTextChunks(withChunks)).toEqual({ z: 'squeezed', i: 'ünï' });
  });

  it('returns nothing for a PNG without text and throws on truncation', async () => {
    const png = await tinyPng();
    expect(readPngTextChunks(png)).toEqual({});
    const truncated = insertPngTextChunks(png, { k: 'v'.repeat(100) }).subarray(0, 60);
    expect(() => readPngTextChunks(truncated)).toThrow(/runs past the end/);
  });
});
