import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isPng, readPngText, workflowFromPng } from '../../graph-editor/src/png-text.js';

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  // The reader ignores CRCs, so a zero CRC is enough here.
  return Buffer.concat([head, data, Buffer.alloc(4)]);
}

/** A 1×1 grey PNG with the given text chunks (`itxt` ones as uncompressed iTXt). */
function png(text: Record<string, string>, itxt: Record<string, string> = {}): Uint8Array {
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
  const idat = deflateSync(Buffer.from([0, 128]));
  const texts = Object.entries(text).map(([k, v]) => chunk('tEXt', Buffer.from(`${k}\0${v}`, 'latin1')));
  const itxts = Object.entries(itxt).map(([k, v]) => chunk('iTXt', Buffer.concat([Buffer.from(`${k}\0\0\0\0\0`, 'latin1'), Buffer.from(v, 'utf8')])));
  return new Uint8Array(Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), ...texts, ...itxts, chunk('IDAT', idat), chunk('IEND', new Uint8Array())]));
}

describe('readPngText', () => {
  it('reads tEXt and uncompressed iTXt chunks', () => {
    expect(readPngText(png({ prompt: '{"1":{}}', workflow: '{"nodes":[]}' }, { title: 'héllo' }))).toEqual({
      prompt: '{"1":{}}', workflow: '{"nodes":[]}', title: 'héllo',
    });
  });
  it('rejects bytes that are not a PNG', () => {
    expect(isPng(new Uint8Array([1, 2, 3]))).toBe(false);
    expect(() => readPngText(new Uint8Array(16))).toThrow(/not a PNG/);
  });
});

describe('workflowFromPng', () => {
  it('prefers the workflow chunk and falls back to prompt', () => {
    expect(workflowFromPng(png({ prompt: '{"1":{"class_type":"X"}}', workflow: '{"nodes":[]}' }))).toEqual({ format: 'ui', json: { nodes: [] } });
    expect(workflowFromPng(png({ prompt: '{"1":{"class_type":"X"}}' }))).toEqual({ format: 'api', json: { '1': { class_type: 'X' } } });
    expect(workflowFromPng(png({}))).toBeUndefined();
  });
  it('names the chunk whose JSON is broken', () => {
    expect(() => workflowFromPng(png({ workflow: '{nope' }))).toThrow(/'workflow' chunk is not valid JSON/);
  });
});
