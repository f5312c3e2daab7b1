/**
 * The routes the ComfyUI frontend calls besides the core API: /api/jobs, /experiment/models, /internal/logs,
 * /internal/folder_paths, /workflow_templates, /i18n, /global_subgraphs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowsDir } from '../../../app/runtime.js';
import { stubNodes } from '../../support/stub-nodes.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { connectWs } from '../../support/ws-client.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ nodes: stubNodes, workflowsDir });
  mkdirSync(path.join(s.dirs.models, 'checkpoints', 'tiny'), { recursive: true });
  writeFileSync(path.join(s.dirs.models, 'checkpoints', 'tiny', 'model.onnx'), 'abcd');
  writeFileSync(path.join(s.dirs.models, 'checkpoints', 'tiny', 'weights.pb'), '123456');
  mkdirSync(path.join(s.dirs.models, 'clip'), { recursive: true });
});
afterAll(() => s.close());

const ok = { '1': { class_type: 'StubImage', inputs: { width: 2, height: 2, batch: 1, value: 0.5 } }, '2': { class_type: 'StubOutput', inputs: { value: ['1', 0] } } };
const failing = { '1': { class_type: 'Fail', inputs: { message: 'boom' } }, '2': { class_type: 'StubOutput', inputs: { value: ['1', 0] } } };

describe('/api/jobs', () => {
  let good: string;
  let bad: string;
  beforeAll(async () => {
    good = (await s.postJson('/prompt', { prompt: ok, extra_data: { extra_pnginfo: { workflow: { id: 'wf-1' } } } })).body.prompt_id;
    await s.waitForHistory(good);
    bad = (await s.postJson('/prompt', { prompt: failing })).body.prompt_id;
    await s.waitForHistory(bad);
  });

  it('lists finished prompts newest first with pagination, as the frontend asks for history', async () => {
    const r = await s.getJson('/api/jobs?status=completed,failed,cancelled&limit=200&offset=0');
    expect(r.status).toBe(200);
    expect(r.body.jobs.map((j: { id: string }) => j.id)).toEqual([bad, good]);
    expect(r.body.jobs[0]).toMatchObject({ status: 'failed', execution_error: { node_id: '1', exception_message: expect.stringContaining('boom') } });
    expect(r.body.jobs[1]).toMatchObject({ status: 'completed', workflow_id: 'wf-1', create_time: expect.any(Number), execution_start_time: expect.any(Number) });
    expect(r.body.pagination).toEqual({ offset: 0, limit: 200, total: 2, has_more: false });
    const page = (await s.getJson('/api/jobs?limit=1')).body;
    expect(page.pagination).toEqual({ offset: 0, limit: 1, total: 2, has_more: true });
    expect((await s.getJson('/api/jobs?workflow_id=wf-1')).body.jobs.map((j: { id: string }) => j.id)).toEqual([good]);
  });

  it('shows running and pending prompts', async () => {
    const sleep = { '1': { class_type: 'Sleep', inputs: { ms: 400, steps: 2 } }, '2': { class_type: 'StubOutput', inputs: { value: ['1', 0] } } };
    const a = (await s.postJson('/prompt', { prompt: sleep })).body.prompt_id;
    const b = (await s.postJson('/prompt', { prompt: { ...sleep, '1': { class_type: 'Sleep', inputs: { ms: 401, steps: 2 } } } })).body.prompt_id;
    const end = Date.now() + 5000;
    let active: { id: string; status: string }[] = [];
    while (Date.now() < end) {
      active = (await s.getJson('/api/jobs?status=in_progress,pending')).body.jobs;
      if (active.some((j) => j.status === 'in_progress')) break;
    }
    expect(active).toEqual(expect.arrayContaining([expect.objectContaining({ id: a, status: 'in_progress' }), expect.objectContaining({ id: b, status: 'pending' })]));
    expect((await s.getJson(`/api/jobs/${b}`)).body).toMatchObject({ id: b, status: 'pending', outputs_count: 0 });
    await s.waitForHistory(b);
  });

  it('gives one job with its outputs and workflow; 404 for an unknown id', async () => {
    const detail = (await s.getJson(`/api/jobs/${good}`)).body;
    expect(detail).toMatchObject({ id: good, status: 'completed', outputs: { '2': { text: ['tensor[1,2,2,3]'] } }, execution_status: { status_str: 'success' } });
    expect(detail.workflow.prompt['2'].class_type).toBe('StubOutput');
    expect(detail.workflow.extra_data.extra_pnginfo).toEqual({ workflow: { id: 'wf-1' } });
    expect(await s.getJson('/api/jobs/nope')).toEqual({ status: 404, body: { error: 'Job not found' } });
  });

  it.each([
    ['status=done', 'Invalid status value(s): done'],
    ['sort_by=name', "sort_by must be 'created_at' or 'execution_duration'"],
    ['sort_order=up', "sort_order must be 'asc' or 'desc'"],
    ['limit=0', 'limit must be a positive integer'],
    ['limit=x', 'limit must be an integer'],
    ['offset=x', 'offset must be an integer'],
  ])('?%s → 400 {"error": string}', async (query, message) => {
    const r = await s.getJson(`/api/jobs?${query}`);
    expect(r.status).toBe(400);
    expect(r.body.error).toContain(message);
  });
});

describe('/experiment/models', () => {
  it('lists model folders with their directories, and a folder\'s models with sizes and times', async () => {
    const folders = (await s.getJson('/experiment/models')).body;
    expect(folders).toEqual(expect.arrayContaining([{ name: 'checkpoints', folders: [path.join(s.dirs.models, 'checkpoints')] }]));
    const models = (await s.getJson('/api/experiment/models/checkpoints')).body;
    // The test server lists files (the default model source); the app's model store lists model folders.
    expect(models).toEqual([
      { name: 'tiny/model.onnx', pathIndex: 0, size: 4, modified: expect.any(Number), created: expect.any(Number) },
      { name: 'tiny/weights.pb', pathIndex: 0, size: 6, modified: expect.any(Number), created: expect.any(Number) },
    ]);
    expect(models[0].modified).toBeLessThan(Date.now() / 1000 + 1);
    expect((await s.getJson('/experiment/models/clip')).body).toEqual([]);
    expect((await fetch(`${s.url}/experiment/models/nope`)).status).toBe(404);
  });

  it('/internal/folder_paths maps each folder kind to its directory', async () => {
    expect((await s.getJson('/internal/folder_paths')).body).toMatchObject({ checkpoints: [path.join(s.dirs.models, 'checkpoints')] });
  });
});

describe('/internal/logs', () => {
  it('returns the server log as one string and as entries with the terminal size', async () => {
    await s.postJson('/userdata/a.json', {});
    await s.postJson('/userdata/a.json/move/b.json', undefined); // logs "moving user file ..."
    const raw = (await s.getJson('/internal/logs/raw')).body;
    expect(raw.size).toEqual({ cols: expect.any(Number), rows: expect.any(Number) });
    expect(raw.entries.length).toBeGreaterThan(0);
    expect(raw.entries[0]).toEqual({ t: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), m: expect.stringMatching(/\n$/) });
    const text = (await s.getJson('/internal/logs')).body as string;
    expect(text).toContain(`${raw.entries[0].t} - ${raw.entries[0].m}`);
  });

  it('pushes new lines as WS "logs" messages to a subscribed client, and stops after unsubscribing', async () => {
    const ws = await connectWs(s.url, { clientId: 'logger' });
    const sub = await fetch(`${s.url}/internal/logs/subscribe`, { method: 'PATCH', body: JSON.stringify({ clientId: 'logger', enabled: true }) });
    expect(sub.status).toBe(200);
    await s.postJson('/userdata/x.json', {});
    await s.postJson('/userdata/x.json/move/y.json', undefined); // logs "moving user file ..."
    const msg = await ws.waitFor((m) => m.type === 'logs');
    expect(msg.data).toEqual({ entries: [{ t: expect.any(String), m: expect.stringContaining('moving user file') }], size: expect.any(Object) });
    await fetch(`${s.url}/internal/logs/subscribe`, { method: 'PATCH', body: JSON.stringify({ clientId: 'logger', enabled: false }) });
    const before = ws.messages.filter((m) => m.type === 'logs').length;
    await s.postJson('/userdata/y.json/move/z.json', undefined);
    await new Promise((r) => setTimeout(r, 100));
    expect(ws.messages.filter((m) => m.type === 'logs').length).toBe(before);
    expect((await fetch(`${s.url}/internal/logs/subscribe`, { method: 'PATCH', body: '{}' })).status).toBe(400);
    await ws.close();
  });
});

describe('/workflow_templates', () => {
  it('offers the bundled examples as the perceptgraph pack\'s templates and serves each one', async () => {
    const templates = (await s.getJson('/workflow_templates')).body;
    expect(Object.keys(templates)).toEqual(['perceptgraph']);
    expect(templates.perceptgraph.length).toBeGreaterThan(0);
    const first = templates.perceptgraph[0];
    const wf = await s.getJson(`/api/workflow_templates/perceptgraph/${first}.json`);
    expect(wf.status).toBe(200);
    expect(Array.isArray(wf.body.nodes)).toBe(true);
    expect((await fetch(`${s.url}/api/workflow_templates/other/${first}.json`)).status).toBe(404);
    expect((await fetch(`${s.url}/api/workflow_templates/perceptgraph/..%2Fpackage.json`)).status).toBe(400);
  });

  it('/i18n and /global_subgraphs answer {}', async () => {
    expect((await s.getJson('/api/i18n')).body).toEqual({});
    expect((await s.getJson('/api/global_subgraphs')).body).toEqual({});
  });
});

describe('/experiment/models over model folders', () => {
  it('reports a model that is a folder with the bytes of its files', async () => {
    const m = await startTestServer({ nodes: stubNodes, modelFolders: () => ({ checkpoints: ['tiny'] }) });
    try {
      mkdirSync(path.join(m.dirs.models, 'checkpoints', 'tiny'), { recursive: true });
      writeFileSync(path.join(m.dirs.models, 'checkpoints', 'tiny', 'model.onnx'), 'abcd');
      writeFileSync(path.join(m.dirs.models, 'checkpoints', 'tiny', 'weights.pb'), '123456');
      expect((await m.getJson('/experiment/models/checkpoints')).body).toEqual([{ name: 'tiny', pathIndex: 0, size: 10, modified: expect.any(Number), created: expect.any(Number) }]);
    } finally {
      await m.close();
    }
  });
});
