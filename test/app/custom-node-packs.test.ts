/**
 * Custom node packs from `<data dir>/custom_nodes/` and `custom_nodes.json`: the example for-loop pack loads and
 * runs through the real server (node expansion over a WebSocket client), failing packs are skipped with their
 * reason and listed at `GET /node_packs`.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadCustomNodePacks, type LoadedPacks } from '../../app/custom-node-packs.js';
import { PromptBuilder } from '../support/graph-builder.js';
import { callCounts, stubNodes } from '../support/stub-nodes.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { connectWs, type WsClient } from '../support/ws-client.js';

const link = PromptBuilder.link;
const root = mkdtempSync(path.join(os.tmpdir(), 'pg-packs-'));
let packs: LoadedPacks;
let server: TestServer;
let ws: WsClient;

beforeAll(async () => {
  const custom = path.join(root, 'custom_nodes');
  mkdirSync(custom, { recursive: true });
  cpSync(path.resolve('examples/node-pack-for-loop'), path.join(custom, 'for-loop'), { recursive: true });
  mkdirSync(path.join(custom, 'broken'));
  writeFileSync(path.join(custom, 'broken', 'index.mjs'), "throw new Error('boom at import');\n");
  writeFileSync(path.join(custom, 'dup.mjs'), "export default (api) => [api.defineNode({ type: 'StubOutput', category: 'x', inputs: {}, outputs: [], run: () => ({}) })];\n");
  writeFileSync(path.join(custom, 'throws.mjs'), "export default () => { throw new TypeError('cannot register'); };\n");
  writeFileSync(path.join(custom, 'empty.mjs'), 'export const nothing = 1;\n');
  writeFileSync(path.join(custom, 'notes.txt'), 'not a pack\n');
  writeFileSync(path.join(root, 'custom_nodes.json'), JSON.stringify({ packages: ['perceptgraph-pack-not-installed'] }));
  packs = await loadCustomNodePacks(root, stubNodes.map((d) => d.type));
  server = await startTestServer({ nodes: [...stubNodes, ...packs.definitions], dataRoot: root, nodePacks: () => packs.statuses });
  ws = await connectWs(server.url, { clientId: 'packs' });
});
afterAll(async () => {
  await ws?.close();
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});
beforeEach(() => callCounts.clear());

describe('loadCustomNodePacks', () => {
  it('loads good packs, skips failing ones with the reason, and lists them at GET /node_packs', async () => {
    const { status, body } = await server.getJson('/node_packs');
    expect(status).toBe(200);
    const byName = Object.fromEntries(body.packs.map((p: any) => [p.name, p]));
    expect(byName['for-loop']).toMatchObject({ loaded: true, source: 'custom_nodes', nodes: ['ForLoopOpen', 'ForLoopClose'] });
    expect(byName['broken']).toMatchObject({ loaded: false, error: 'boom at import' });
    expect(byName['dup.mjs']).toMatchObject({ loaded: false, error: 'duplicate node type "StubOutput"' });
    expect(byName['throws.mjs']).toMatchObject({ loaded: false, error: 'cannot register' });
    expect(byName['empty.mjs'].error).toMatch(/exports neither/);
    expect(byName['perceptgraph-pack-not-installed']).toMatchObject({ loaded: false, source: 'npm', error: expect.stringMatching(/not installed/) });
    expect(byName['notes.txt']).toBeUndefined();
    expect((await server.getJson('/object_info/ForLoopClose')).body.ForLoopClose.input.hidden).toEqual({ dyn: 'DYNPROMPT', id: 'UNIQUE_ID' });
  });
});

describe('node expansion: the example for-loop', () => {
  function loopPrompt(total: number, label = '') {
    const b = new PromptBuilder();
    const start = b.add('CountCalls', { a: 0 }, '1');
    const open = b.add('ForLoopOpen', { total, value: link(start) }, '2');
    const body = b.add('CountCalls', { a: 10, upstream: link(open, 1) }, '3');
    const close = b.add('ForLoopClose', { flow: link(open, 0), value: link(body) }, '4');
    b.add('StubOutput', { value: link(close), label }, '5');
    return b.build();
  }

  async function run(prompt: unknown) {
    const from = ws.messages.length;
    const r = await server.postJson('/prompt', { prompt, client_id: 'packs' });
    expect(r.status).toBe(200);
    await ws.waitForDone(r.body.prompt_id, 20_000);
    const messages = ws.messages.slice(from).filter((m) => m.data?.prompt_id === r.body.prompt_id);
    return { entry: await server.waitForHistory(r.body.prompt_id), executing: messages.filter((m) => m.type === 'executing' && m.data.node).map((m) => m.data.node as string), messages };
  }

  it('runs the body once per iteration under namespaced ids, and the second time from cache', async () => {
    const first = await run(loopPrompt(4));
    expect(first.entry.status.status_str).toBe('success');
    expect(first.entry.outputs['5'].text).toEqual(['40']);
    const bodyRuns = [...callCounts.entries()].filter(([id]) => id === '3' || id.endsWith('.3'));
    expect(bodyRuns.map(([, n]) => n)).toEqual([1, 1, 1, 1]);
    expect(first.executing).toContain('4.0.3');
    expect(first.executing).toContain('4.0.next');
    expect(first.executing).toContain('4.0.next.0.4.0.3'); // the second copy of the body, made by the first copy of the close node

    callCounts.clear();
    const again = await run(loopPrompt(4, 'same loop'));
    expect(again.entry.outputs['5'].text).toEqual(['same loop: 40']);
    expect([...callCounts.keys()]).toEqual(['5']);
  });
});
