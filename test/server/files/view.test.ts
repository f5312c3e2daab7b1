/** GET /view: serving, every traversal attempt, symlinks, active content, previews, channels and the pixel limit. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stubNodes } from '../../support/stub-nodes.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { bombPng, pngBytes } from './images.js';

let s: TestServer;
let outside: string;
let png: Buffer;

beforeAll(async () => {
  s = await startTestServer({ nodes: stubNodes, maxImagePixels: 1_000_000 });
  outside = mkdtempSync(path.join(os.tmpdir(), 'pg-outside-'));
  writeFileSync(path.join(outside, 'secret.txt'), 'TOP SECRET');
  writeFileSync(path.join(s.dirs.root, 'secret.txt'), 'ROOT SECRET');
  png = await pngBytes();
  writeFileSync(path.join(s.dirs.output, 'a.png'), png);
  mkdirSync(path.join(s.dirs.output, 'sub'));
  writeFileSync(path.join(s.dirs.output, 'sub', 'b.png'), png);
  writeFileSync(path.join(s.dirs.input, 'c.png'), png);
  writeFileSync(path.join(s.dirs.temp, 'd.png'), png);
  writeFileSync(path.join(s.dirs.output, 'page.html'), '<script>alert(1)</script>');
  writeFileSync(path.join(s.dirs.output, 'pic.svg'), '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
  writeFileSync(path.join(s.dirs.output, 'bomb.png'), bombPng());
  symlinkSync(path.join(outside, 'secret.txt'), path.join(s.dirs.output, 'link.txt'));
  symlinkSync(outside, path.join(s.dirs.output, 'evil'));
  symlinkSync(path.join(s.dirs.output, 'a.png'), path.join(s.dirs.output, 'inner-link.png'));
});
afterAll(async () => {
  await s.close();
  rmSync(outside, { recursive: true, force: true });
});

const view = (query: string) => fetch(`${s.url}/view?${query}`);

describe('GET /view serving', () => {
  it('serves output (default), input, temp, subfolders and annotated names', async () => {
    for (const q of ['filename=a.png', 'filename=c.png&type=input', 'filename=d.png&type=temp', 'filename=b.png&subfolder=sub', 'filename=c.png%20%5Binput%5D', 'filename=inner-link.png']) {
      const r = await fetch(`${s.url}/api/view?${q}`);
      expect([q, r.status, r.headers.get('content-type')]).toEqual([q, 200, 'image/png']);
      expect(Buffer.from(await r.arrayBuffer()).equals(png)).toBe(true);
    }
    expect((await view('filename=a.png')).headers.get('content-disposition')).toContain('filename="a.png"');
  });

  it('forces active content (html, svg) to download as octet-stream', async () => {
    for (const name of ['page.html', 'pic.svg']) {
      const r = await view(`filename=${name}`);
      expect(r.headers.get('content-type')).toBe('application/octet-stream');
      expect(r.headers.get('content-disposition')).toMatch(/^attachment;/);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('re-encodes previews and extracts channels', async () => {
    const jpeg = await view('filename=a.png&preview=jpeg;80');
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
    expect((await sharp(Buffer.from(await jpeg.arrayBuffer())).metadata()).format).toBe('jpeg');
    const webp = await view('filename=a.png&preview=bmp');
    expect(webp.headers.get('content-type')).toBe('image/webp');
    const rgb = await sharp(Buffer.from(await (await view('filename=a.png&channel=rgb')).arrayBuffer())).metadata();
    expect([rgb.format, rgb.channels]).toEqual(['png', 3]);
    const a = await view('filename=a.png&channel=a');
    const { data } = await sharp(Buffer.from(await a.arrayBuffer())).raw().toBuffer({ resolveWithObject: true });
    expect([...data.subarray(0, 4)]).toEqual([0, 0, 0, 200]);
  });

  it('refuses to decode an image above the pixel limit (400) and keeps serving', async () => {
    const r = await view('filename=bomb.png&preview=webp');
    expect(r.status).toBe(400);
    expect((await r.json()).error.message).toMatch(/pixel limit|exceeds/i);
    expect((await view('filename=a.png')).status).toBe(200);
  });
});

describe('GET /view refusals', () => {
  it.each([
    ['parent in filename', 'filename=../secret.txt', 400],
    ['absolute filename', 'filename=/etc/passwd', 400],
    ['encoded parent', 'filename=%2e%2e%2fsecret.txt', 400],
    ['encoded absolute', 'filename=%2Fetc%2Fpasswd', 400],
    ['backslash parent', 'filename=..%5Csecret.txt', 400],
    ['windows drive', 'filename=C%3A%5Cwindows%5Cwin.ini', 400],
    ['nested parent', 'filename=sub/../../secret.txt', 400],
    ['NUL byte', 'filename=a.png%00.txt', 400],
    ['empty filename', 'filename=', 400],
    ['unknown type', 'filename=a.png&type=models', 400],
    ['subfolder parent', 'filename=secret.txt&subfolder=..', 403],
    ['subfolder encoded parent', 'filename=secret.txt&subfolder=%2e%2e', 403],
    ['subfolder deep parent', 'filename=passwd&subfolder=sub/../../../../../../etc', 403],
    ['absolute subfolder', 'filename=passwd&subfolder=/etc', 403],
    ['symlinked file out of the root', 'filename=link.txt', 403],
    ['symlinked folder out of the root', 'filename=secret.txt&subfolder=evil', 403],
    ['missing filename', 'type=output', 404],
    ['missing file', 'filename=nope.png', 404],
  ])('%s → %i', async (_label, query, status) => {
    const r = await view(query);
    expect(r.status).toBe(status);
    const text = await r.text();
    expect(text).not.toMatch(/SECRET|root:/);
  });
});
