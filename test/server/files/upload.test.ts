/** POST /upload/image: naming, overwrite, dedupe, traversal, symlinks, size limit and decompression bombs. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stubNodes } from '../../support/stub-nodes.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { bombPng, pngBytes } from './images.js';

let s: TestServer;
let outside: string;
beforeAll(async () => {
  s = await startTestServer({ nodes: stubNodes, maxUploadBytes: 32 * 1024, maxImagePixels: 1_000_000 });
  outside = mkdtempSync(path.join(os.tmpdir(), 'pg-outside-'));
  writeFileSync(path.join(outside, 'victim.png'), 'ORIGINAL');
  symlinkSync(outside, path.join(s.dirs.input, 'evil'));
  symlinkSync(path.join(outside, 'victim.png'), path.join(s.dirs.input, 'victim.png'));
});
afterAll(async () => {
  await s.close();
  rmSync(outside, { recursive: true, force: true });
});

async function upload(bytes: Uint8Array, filename: string, fields: Record<string, string> = {}, route = '/upload/image') {
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(bytes)]), filename);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const r = await fetch(s.url + route, { method: 'POST', body: form });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined };
}

describe('POST /upload/image', () => {
  it('stores into input by default and answers {name, subfolder, type}', async () => {
    const png = await pngBytes(5, 5);
    const r = await upload(png, 'photo.png');
    expect(r).toEqual({ status: 200, body: { name: 'photo.png', subfolder: '', type: 'input' } });
    expect(readFileSync(path.join(s.dirs.input, 'photo.png')).equals(png)).toBe(true);
  });

  it('reuses an identical file, numbers a different one, and overwrites on request', async () => {
    const a = await pngBytes(6, 6);
    const b = await pngBytes(7, 7);
    expect((await upload(a, 'same.png')).body.name).toBe('same.png');
    expect((await upload(a, 'same.png')).body.name).toBe('same.png');
    expect((await upload(b, 'same.png')).body.name).toBe('same (1).png');
    expect((await upload(await pngBytes(8, 8), 'same.png')).body.name).toBe('same (2).png');
    expect((await upload(b, 'same.png')).body.name).toBe('same (1).png');
    expect((await upload(b, 'same.png', { overwrite: 'true' })).body.name).toBe('same.png');
    expect(readFileSync(path.join(s.dirs.input, 'same.png')).equals(Buffer.from(b))).toBe(true);
  });

  it('creates subfolders and honours type=temp/output', async () => {
    const png = await pngBytes(3, 3);
    expect((await upload(png, 'x.png', { subfolder: 'pasted/deep', type: 'temp' })).body).toEqual({ name: 'x.png', subfolder: 'pasted/deep', type: 'temp' });
    expect(existsSync(path.join(s.dirs.temp, 'pasted', 'deep', 'x.png'))).toBe(true);
    expect((await upload(png, 'o.png', { type: 'output' })).status).toBe(200);
  });

  it.each([
    ['parent filename', '../escape.png', {}, 400],
    ['absolute filename', '/tmp/escape.png', {}, 400],
    ['backslash filename', '..\\escape.png', {}, 400],
    ['parent subfolder', 'escape.png', { subfolder: '../..' }, 400],
    ['absolute subfolder', 'escape.png', { subfolder: '/tmp' }, 400],
    ['unknown type', 'escape.png', { type: 'models' }, 400],
    ['symlinked subfolder out of the root', 'escape.png', { subfolder: 'evil' }, 403],
    ['symlinked file out of the root', 'victim.png', {}, 403],
  ])('%s → %i, nothing written outside', async (_label, name, fields, status) => {
    const before = readdirSync(outside).sort();
    const r = await upload(await pngBytes(2, 2), name, fields as Record<string, string>);
    expect(r.status).toBe(status);
    expect(readdirSync(outside).sort()).toEqual(before);
    expect(readFileSync(path.join(outside, 'victim.png'), 'utf8')).toBe('ORIGINAL');
    expect(existsSync(path.join(s.dirs.root, 'escape.png'))).toBe(false);
  });

  it('overwrite onto a symlink replaces the link, never the file it points to', async () => {
    symlinkSync(path.join(outside, 'victim.png'), path.join(s.dirs.input, 'victim2.png'));
    const png = await pngBytes(2, 2);
    expect((await upload(png, 'victim2.png', { overwrite: '1' })).status).toBe(200);
    expect(readFileSync(path.join(outside, 'victim.png'), 'utf8')).toBe('ORIGINAL');
    expect(readFileSync(path.join(s.dirs.input, 'victim2.png')).equals(png)).toBe(true);
  });

  it('refuses a file above the size limit with 413 and stores nothing', async () => {
    const r = await upload(new Uint8Array(40 * 1024).fill(7), 'big.bin');
    expect(r.status).toBe(413);
    expect(existsSync(path.join(s.dirs.input, 'big.bin'))).toBe(false);
    expect(readdirSync(path.join(s.dirs.temp, '.uploads'))).toEqual([]);
    expect((await s.getJson('/queue')).status).toBe(200);
  });

  it('refuses a decompression bomb with 400 without decoding it', async () => {
    const r = await upload(bombPng(), 'bomb.png');
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/100000×100000 = 10000000000 pixels, above the limit of 1000000/);
    expect(existsSync(path.join(s.dirs.input, 'bomb.png'))).toBe(false);
  });

  it('needs a multipart body with an image part', async () => {
    expect((await fetch(`${s.url}/upload/image`, { method: 'POST', body: '{}' })).status).toBe(400);
    const form = new FormData();
    form.append('subfolder', 'x');
    expect((await fetch(`${s.url}/upload/image`, { method: 'POST', body: form })).status).toBe(400);
  });
});
