/** POST /upload/mask: the mask's alpha onto the original image, text chunks kept, bad references refused. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPngTextChunks, readPngTextChunks } from '../../../models/image/png-text.js';
import { stubNodes } from '../../support/stub-nodes.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ nodes: stubNodes });
  // Original: 4×2 opaque red PNG with a workflow text chunk, in output/ (ComfyUI's default type of original_ref).
  const red = await sharp({ create: { width: 4, height: 2, channels: 3, background: { r: 255, g: 0, b: 0 } } }).png().toBuffer();
  writeFileSync(path.join(s.dirs.output, 'orig.png'), insertPngTextChunks(red, { workflow: '{"nodes":[]}' }));
  mkdirSync(path.join(s.dirs.input, 'sub'), { recursive: true });
  writeFileSync(path.join(s.dirs.input, 'sub', 'in.png'), red);
});
afterAll(() => s.close());

/** A w×h RGBA mask whose alpha is `alpha(i)` for pixel i. */
async function mask(w: number, h: number, alpha: (i: number) => number): Promise<Buffer> {
  const raw = Buffer.alloc(w * h * 4);
  for (let i = 0; i < w * h; i++) raw[i * 4 + 3] = alpha(i);
  return sharp(raw, { raw: { width: w, height: h, channels: 4 } }).png().toBuffer();
}

async function uploadMask(bytes: Buffer, fields: Record<string, string>): Promise<Response> {
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'clipspace-mask.png');
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return fetch(`${s.url}/upload/mask`, { method: 'POST', body: form });
}

describe('POST /upload/mask', () => {
  it('stores the original RGB with the mask as alpha, keeping its text chunks', async () => {
    const r = await uploadMask(await mask(4, 2, (i) => i * 30), { type: 'input', subfolder: 'clipspace', original_ref: JSON.stringify({ filename: 'orig.png' }) });
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(body).toEqual({ name: 'clipspace-mask.png', subfolder: 'clipspace', type: 'input' });
    const stored = await s.view({ filename: body.name, subfolder: body.subfolder, type: body.type });
    expect(readPngTextChunks(stored)).toEqual({ workflow: '{"nodes":[]}' });
    const { data, info } = await sharp(stored).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    for (let i = 0; i < 8; i++) expect([...data.subarray(i * 4, i * 4 + 4)]).toEqual([255, 0, 0, i * 30]);
  });

  it('finds the original by type and subfolder, and by an annotated name', async () => {
    for (const ref of [{ filename: 'in.png', subfolder: 'sub', type: 'input' }, { filename: 'orig.png [output]', type: 'input' }]) {
      const r = await uploadMask(await mask(4, 2, () => 0), { type: 'input', subfolder: 'clipspace', original_ref: JSON.stringify(ref) });
      expect(r.status).toBe(200);
    }
  });

  it.each([
    ['a missing original_ref', {}, 400],
    ['original_ref that is not JSON', { original_ref: '{' }, 400],
    ['original_ref without filename', { original_ref: '{}' }, 400],
    ['a traversal in the filename', { original_ref: JSON.stringify({ filename: '../state/x.png' }) }, 400],
    ['a subfolder out of the folder', { original_ref: JSON.stringify({ filename: 'orig.png', subfolder: '../input' }) }, 403],
    ['a missing original', { original_ref: JSON.stringify({ filename: 'nope.png' }) }, 404],
  ])('refuses %s', async (_what, fields, status) => {
    const r = await uploadMask(await mask(4, 2, () => 0), { type: 'input', ...fields });
    expect(r.status).toBe(status);
  });

  it('refuses a mask of another size with 400 naming both sizes', async () => {
    const r = await uploadMask(await mask(3, 3, () => 0), { type: 'input', original_ref: JSON.stringify({ filename: 'orig.png' }) });
    expect(r.status).toBe(400);
    expect((await r.json()).error.message).toMatch(/3×3.*4×2/);
  });
});
