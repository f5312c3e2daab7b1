/** Routing, body parsing, error shapes and the informational routes. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stubNodes } from '../../support/stub-nodes.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({
    nodes: stubNodes,
    maxUploadBytes: 64 * 1024,
    deviceInfo: () => [{ name: 'webgpu:0 test', type: 'webgpu', index: 0, vram_total: 1, vram_free: 1 }],
  });
  mkdirSync(path.join(s.dirs.models, 'checkpoints', 'sd15'), { recursive: true });
  writeFileSync(path.join(s.dirs.models, 'checkpoints', 'sd15', 'a.onnx'), 'x');
  mkdirSync(path.join(s.dirs.models, 'embeddings'), { recursive: true });
  writeFileSync(path.join(s.dirs.models, 'embeddings', 'EasyNegative.safetensors'), 'x');
});
afterAll(() => s.close());

const prompt = { '1': { class_type: 'StubImage', inputs: { width: 2, height: 2, batch: 1, value: 0.5 } }, '2': { class_type: 'StubOutput', inputs: { value: ['1', 0] } } };

describe('body parsing', () => {
  it.each(['application/x-www-form-urlencoded', 'text/plain', ''])('parses JSON sent as %j', async (type) => {
    const r = await fetch(`${s.url}/prompt`, { method: 'POST', body: JSON.stringify({ prompt }), headers: type ? { 'Content-Type': type } : {} });
    expect(r.status).toBe(200);
    expect((await r.json()).prompt_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each(['/prompt', '/api/queue', '/history'])('malformed JSON on %s → 400 with a message', async (route) => {
    const r = await fetch(s.url + route, { method: 'POST', body: '{"prompt": {', headers: { 'Content-Type': 'application/json' } });
    expect(r.status).toBe(400);
    const body = await r.json();
    expect(body.error.type).toBe('invalid_json');
    expect(body.error.message).toMatch(/not valid JSON/);
  });

  it('/interrupt accepts an empty or broken body and replies {}', async () => {
    for (const body of [undefined, '', 'not json']) {
      const r = await fetch(`${s.url}/interrupt`, { method: 'POST', body });
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({});
    }
  });

  it('a JSON body above the size limit → 413', async () => {
    const r = await fetch(`${s.url}/prompt`, { method: 'POST', body: JSON.stringify({ prompt, pad: 'x'.repeat(100 * 1024) }) });
    expect(r.status).toBe(413);
    expect((await s.getJson('/prompt')).status).toBe(200);
  });
});

describe('routes', () => {
  it('serves every route under /x and /api/x', async () => {
    for (const route of ['/object_info', '/queue', '/history', '/prompt', '/features', '/models', '/embeddings', '/extensions', '/system_stats']) {
      const [bare, api] = await Promise.all([fetch(s.url + route), fetch(`${s.url}/api${route}`)]);
      expect([route, bare.status, api.status]).toEqual([route, 200, 200]);
    }
  });

  it('object_info lists the registry; an unknown class gives {}', async () => {
    const all = (await s.getJson('/object_info')).body;
    expect(Object.keys(all).sort()).toEqual(stubNodes.map((n) => n.type).sort());
    const one = (await s.getJson('/api/object_info/StubImage')).body;
    expect(Object.keys(one)).toEqual(['StubImage']);
    expect(one.StubImage.input.required.width[0]).toBe('INT');
    expect((await s.getJson('/object_info/Nope')).body).toEqual({});
  });

  it('GET /prompt reports queue_remaining', async () => {
    expect((await s.getJson('/prompt')).body).toEqual({ exec_info: { queue_remaining: expect.any(Number) } });
  });

  it('system_stats merges deviceInfo; features advertises preview metadata and the upload limit', async () => {
    const stats = (await s.getJson('/system_stats')).body;
    expect(stats.system).toMatchObject({ os: expect.any(String), ram_total: expect.any(Number), embedded_python: false });
    expect(stats.devices).toEqual([{ name: 'webgpu:0 test', type: 'webgpu', index: 0, vram_total: 1, vram_free: 1, torch_vram_total: 0, torch_vram_free: 0 }]);
    expect((await s.getJson('/features')).body).toEqual({ supports_preview_metadata: true, max_upload_size: 64 * 1024 });
  });

  it('models lists folders and files; unknown folder → 404; embeddings drop the extension', async () => {
    expect((await s.getJson('/models')).body.sort()).toEqual(['checkpoints', 'embeddings']);
    expect((await s.getJson('/models/checkpoints')).body).toEqual(['sd15/a.onnx']);
    const missing = await s.getJson('/api/models/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toMatch(/unknown model folder "nope"/);
    expect((await s.getJson('/embeddings')).body).toEqual(['EasyNegative']);
  });

  it('POST /queue and /history edits reply 200 with an empty body; history paging', async () => {
    const r = await s.postJson('/queue', { clear: true });
    expect(r).toEqual({ status: 200, body: undefined });
    await s.postJson('/history', { clear: true });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const p = { '1': { class_type: 'CountCalls', inputs: { a: 100 + i } }, '2': { class_type: 'StubOutput', inputs: { value: ['1', 0] } } };
      ids.push((await s.postJson('/prompt', { prompt: p })).body.prompt_id);
    }
    while (Object.keys((await s.getJson('/history')).body).length < 3) await new Promise((r) => setTimeout(r, 20));
    expect(Object.keys((await s.getJson('/history?max_items=2')).body)).toEqual(ids.slice(1));
    expect(Object.keys((await s.getJson('/history?max_items=1&offset=0')).body)).toEqual(ids.slice(0, 1));
    expect((await s.getJson('/history?max_items=x')).status).toBe(400);
    expect(await s.postJson('/history', { delete: [ids[0]] })).toEqual({ status: 200, body: undefined });
    expect(Object.keys((await s.getJson('/history')).body)).toEqual(ids.slice(1));
    expect((await s.getJson(`/history/${ids[0]}`)).body).toEqual({});
  });

  it('unknown routes → 404 JSON', async () => {
    const r = await s.getJson('/nope');
    expect(r.status).toBe(404);
    expect(r.body.error.type).toBe('not_found');
  });
});

describe('GET /workflows', () => {
  it('lists example workflows and serves one losslessly; unknown or traversing names → 404/400', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-workflows-'));
    writeFileSync(path.join(dir, 'b-example.json'), '{"nodes":[{"widgets_values":[18446744073709551615,"fixed"]}]}');
    writeFileSync(path.join(dir, 'a-example.json'), '{"nodes":[]}');
    writeFileSync(path.join(dir, 'notes.txt'), 'x');
    const w = await startTestServer({ nodes: stubNodes, workflowsDir: dir });
    try {
      expect((await w.getJson('/workflows')).body).toEqual(['a-example', 'b-example']);
      expect(await (await fetch(`${w.url}/api/workflows/b-example`)).text()).toBe('{"nodes":[{"widgets_values":[18446744073709551615,"fixed"]}]}');
      expect((await w.getJson('/workflows/nope')).status).toBe(404);
      expect((await w.getJson('/workflows/..%2Fsecret')).status).toBe(400);
    } finally {
      await w.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
