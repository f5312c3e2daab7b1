/** The origin guard (cross-site requests to a loopback server) and the optional bearer token, on HTTP and WS. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stubNodes } from '../../support/stub-nodes.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { connectWs } from '../../support/ws-client.js';

/** An HTTP request with full control over Host/Origin (fetch forbids setting Host). */
function raw(port: number, opts: { method?: string; path: string; headers?: Record<string, string> }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('origin guard', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ nodes: stubNodes });
  });
  afterAll(() => s.close());

  const host = () => `127.0.0.1:${s.port}`;

  it('refuses a cross-site Origin to a loopback Host with 403', async () => {
    const r = await raw(s.port, { path: '/queue', headers: { Host: host(), Origin: 'https://evil.example' } });
    expect(r.status).toBe(403);
    expect(s.logs.join('\n')).toMatch(/does not match host/);
  });

  it('refuses Origin: null (sandboxed iframes) to a loopback Host', async () => {
    expect((await raw(s.port, { method: 'POST', path: '/api/interrupt', headers: { Host: host(), Origin: 'null' } })).status).toBe(403);
  });

  it('allows same-origin, origin without port, no Origin, and non-loopback hosts', async () => {
    expect((await raw(s.port, { path: '/queue', headers: { Host: host(), Origin: `http://${host()}` } })).status).toBe(200);
    expect((await raw(s.port, { path: '/queue', headers: { Host: `localhost:${s.port}`, Origin: 'http://localhost' } })).status).toBe(200);
    expect((await raw(s.port, { path: '/queue', headers: { Host: host() } })).status).toBe(200);
    // A non-loopback Host skips the origin check (ComfyUI); names must be allowed first (--allow-host, host-guard.test.ts).
    expect((await raw(s.port, { path: '/queue', headers: { Host: '10.0.0.5:8188', Origin: 'https://other.example' } })).status).toBe(200);
  });

  it('refuses a same-host origin on another port', async () => {
    expect((await raw(s.port, { path: '/queue', headers: { Host: host(), Origin: `http://127.0.0.1:${s.port + 1}` } })).status).toBe(403);
  });

  it('answers OPTIONS with 200', async () => {
    expect((await raw(s.port, { method: 'OPTIONS', path: '/prompt', headers: { Host: host() } })).status).toBe(200);
  });

  it('refuses a cross-site WebSocket upgrade', async () => {
    await expect(connectWs(s.url, { headers: { Origin: 'https://evil.example' } })).rejects.toThrow(/HTTP 403/);
    const ok = await connectWs(s.url, { headers: { Origin: s.url } });
    await ok.close();
  });
});

describe('bearer token', () => {
  const TOKEN = 's3cret-token';
  let s: TestServer;
  let staticDir: string;
  beforeAll(async () => {
    staticDir = mkdtempSync(path.join(os.tmpdir(), 'pg-static-'));
    mkdirSync(path.join(staticDir, 'assets'));
    writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>editor</title>');
    writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
    s = await startTestServer({ nodes: stubNodes, authToken: TOKEN, staticDir });
  });
  afterAll(async () => {
    await s.close();
    rmSync(staticDir, { recursive: true, force: true });
  });

  it('refuses HTTP without or with a wrong token (401)', async () => {
    expect((await fetch(`${s.url}/queue`)).status).toBe(401);
    expect((await fetch(`${s.url}/api/queue`, { headers: { Authorization: 'Bearer nope' } })).status).toBe(401);
    expect((await fetch(`${s.url}/prompt`, { method: 'POST', body: '{}', headers: { Authorization: `Basic ${TOKEN}` } })).status).toBe(401);
  });

  it('accepts the bearer header or ?token=', async () => {
    expect((await fetch(`${s.url}/queue`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await fetch(`${s.url}/queue?token=${TOKEN}`)).status).toBe(200);
  });

  it('serves the static editor without a token', async () => {
    const index = await fetch(`${s.url}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('editor');
    const js = await fetch(`${s.url}/assets/app.js`);
    expect(js.headers.get('cache-control')).toBe('no-cache');
  });

  it('refuses a WebSocket without the token; accepts ?token= or the header', async () => {
    await expect(connectWs(s.url)).rejects.toThrow(/HTTP 401/);
    await expect(connectWs(s.url, { token: 'nope' })).rejects.toThrow(/HTTP 401/);
    const a = await connectWs(s.url, { token: TOKEN, clientId: 'a' });
    const b = await connectWs(s.url, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect((await a.waitFor((m) => m.type === 'status')).data.sid).toBe('a');
    expect((await b.waitFor((m) => m.type === 'status')).data.sid).toMatch(/^[0-9a-f]{32}$/);
    await Promise.all([a.close(), b.close()]);
  });
});
