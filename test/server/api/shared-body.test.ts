/**
 * Big plain bodies are read into shared memory as they arrive (server/api/shared-body.ts): the parse worker reads
 * them without a copy. Checked on the real server (a big prompt, a compressed one, a cut-off one) and on the
 * middleware in an express app of its own (what the route receives).
 */
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedBodyReader } from '../../../server/api/shared-body.js';
import { stubNodes } from '../../support/stub-nodes.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

const MiB = 1024 * 1024;

/** A prompt body of more than `bytes`: one small valid chain plus padding nodes that nothing reads. */
function bigPromptBody(bytes: number): string {
  const pad = Array.from({ length: Math.ceil(bytes / 240) }, (_, i) => `"${i + 10}":{"class_type":"StubWidgets","inputs":{"text":"${'pad '.repeat(50)}"}}`);
  return `{"prompt":{"1":{"class_type":"StubWidgets","inputs":{"seed":18446744073709551615,"steps":20,"cfg":8.0,"text":"é","flag":true,"mode":"a"}},"2":{"class_type":"StubOutput","inputs":{"value":["1",0]}},${pad.join(',')}}}`;
}

/** Sends the head of a request declaring `declared` bytes, then `sent` bytes of body, then closes the socket. */
function cutOffPost(port: number, declared: number, sent: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`POST /prompt HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n`);
      socket.write(sent, () => socket.destroy());
    });
    socket.on('close', () => resolve()).on('error', reject);
  });
}

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ nodes: stubNodes });
});
afterAll(() => s.close());

describe('big request bodies on the server', () => {
  it('queues a 3 MiB prompt, plain and gzip-compressed (left to express.raw), with its 64-bit seed and 8.0 kept', async () => {
    const body = bigPromptBody(3 * MiB);
    for (const init of [{ body }, { body: new Uint8Array(gzipSync(body)), headers: { 'Content-Encoding': 'gzip' } }]) {
      const r = await fetch(`${s.url}/prompt`, { method: 'POST', ...init });
      expect(r.status).toBe(200);
      const { prompt_id: id } = (await r.json()) as { prompt_id: string };
      expect((await s.waitForHistory(id)).status.status_str).toBe('success');
      const text = await (await fetch(`${s.url}/history/${id}`)).text();
      expect(text).toContain('"1":{"class_type":"StubWidgets","inputs":{"seed":18446744073709551615,"steps":20,"cfg":8.0,"text":"é","flag":true,"mode":"a"}}');
    }
  });

  it('drops a big body cut off before its declared length, and goes on serving', async () => {
    const before = (await s.getJson('/queue')).body;
    await cutOffPost(s.port, 4 * MiB, Buffer.from(bigPromptBody(2 * MiB)));
    expect((await s.getJson('/queue')).body).toEqual(before);
    expect((await fetch(`${s.url}/prompt`, { method: 'POST', body: bigPromptBody(2 * MiB) })).status).toBe(200);
  });
});

describe('sharedBodyReader', () => {
  let server: ReturnType<ReturnType<typeof express>['listen']>;
  let url = '';
  beforeAll(async () => {
    const app = express();
    app.use(sharedBodyReader({ minBytes: MiB, maxBytes: 8 * MiB, skip: (req) => req.headers['x-skip'] === '1' }));
    app.use(express.raw({ type: () => true, limit: 8 * MiB }));
    app.post('/', (req, res) => {
      const body = req.body as Buffer;
      res.json({ shared: body.buffer instanceof SharedArrayBuffer, bytes: body.length, last: body.at(-1) });
    });
    app.use(((err, _req, res, _next) => res.status(err.status ?? 500).json({ error: err.message })) as express.ErrorRequestHandler);
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  const post = async (body: Buffer, headers: Record<string, string> = {}) => {
    const r = await fetch(url, { method: 'POST', body: new Uint8Array(body), headers });
    return { status: r.status, body: await r.json() };
  };

  it('reads a body from minBytes up into a SharedArrayBuffer of exactly its length; others as express.raw does', async () => {
    const big = Buffer.alloc(2 * MiB, 7);
    expect(await post(big)).toEqual({ status: 200, body: { shared: true, bytes: 2 * MiB, last: 7 } });
    expect(await post(Buffer.alloc(MiB - 1, 1))).toMatchObject({ body: { shared: false, bytes: MiB - 1 } });
    expect(await post(big, { 'x-skip': '1' })).toMatchObject({ body: { shared: false, bytes: 2 * MiB } });
    expect(await post(gzipSync(big), { 'Content-Encoding': 'gzip' })).toMatchObject({ body: { shared: false, bytes: 2 * MiB } });
    expect((await post(Buffer.alloc(9 * MiB))).status).toBe(413);
  });
});
