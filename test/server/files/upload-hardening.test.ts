/** Upload hardening (issue 19): aborted bodies leave no fd or temp file, UTF-8 and over-long names, 413 seen by fetch. */
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stubNodes } from '../../support/stub-nodes.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { pngBytes } from './images.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ nodes: stubNodes, maxUploadBytes: 256 * 1024 });
});
afterAll(() => s.close());

async function upload(bytes: Uint8Array, filename: string) {
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(bytes)]), filename);
  const r = await fetch(`${s.url}/upload/image`, { method: 'POST', body: form });
  return { status: r.status, body: await r.json() };
}

/** Open descriptors of this process (the server runs in it) that point into `dir`. */
function fdsInto(dir: string): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) out.push(target);
    } catch {
      // closed meanwhile
    }
  }
  return out;
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never happened: ${what}`);
}

describe('POST /upload/image under hostile input', () => {
  it('an upload aborted mid-body closes its descriptor and removes its temp file', async () => {
    const uploads = path.join(s.dirs.temp, '.uploads');
    const boundary = 'XBOUNDARY';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="cut.png"\r\nContent-Type: image/png\r\n\r\n`;
    const req = http.request(`${s.url}/upload/image`, {
      method: 'POST',
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(200 * 1024) },
    });
    req.on('error', () => undefined);
    req.write(head);
    req.write(Buffer.alloc(64 * 1024, 1));
    await until(() => existsSync(uploads) && readdirSync(uploads).length === 1, 'temp file created');
    expect(fdsInto(uploads)).toHaveLength(1);
    req.destroy();
    await until(() => readdirSync(uploads).length === 0, 'temp file removed');
    await until(() => fdsInto(uploads).length === 0, 'descriptor closed');
    expect((await s.getJson('/queue')).status).toBe(200);
  });

  it('stores UTF-8 file names as sent', async () => {
    const r = await upload(await pngBytes(2, 2), 'café ✓.png');
    expect(r).toEqual({ status: 200, body: { name: 'café ✓.png', subfolder: '', type: 'input' } });
    expect(existsSync(path.join(s.dirs.input, 'café ✓.png'))).toBe(true);
  });

  it('refuses names over 255 bytes with 400 and leaves no stray file', async () => {
    const r = await upload(await pngBytes(2, 2), `${'é'.repeat(128)}.png`);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/at most 255 bytes/);
    expect(readdirSync(s.dirs.input).filter((f) => f.includes('upload'))).toEqual([]);
    expect(readdirSync(path.join(s.dirs.temp, '.uploads'))).toEqual([]);
  });

  it('a too-large upload sent with fetch gets the 413, not "fetch failed"', async () => {
    const r = await upload(new Uint8Array(32 * 1024 * 1024).fill(3), 'big.png');
    expect(r.status).toBe(413);
    expect(r.body.error.type).toBe('payload_too_large');
    const p = await fetch(`${s.url}/prompt`, { method: 'POST', body: 'x'.repeat(4 * 1024 * 1024) });
    expect(p.status).toBe(413);
  });
});
