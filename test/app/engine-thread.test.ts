/**
 * The engine thread (app/engine-thread/, `serve`'s default): prompts run on a worker thread with its own runtime
 * while the server's thread answers. Through the real server, a WebSocket client and a node pack of probes: the
 * node runs off the server's thread, the server answers while a node blocks its thread, interrupts reach it,
 * a thread that dies fails only its prompt and is started again, and a real model workflow runs with its
 * sessions reported in /system_stats and released by /free.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type AppRuntime } from '../../app/runtime.js';
import { startServer, type RunningServer } from '../../server/api/server.js';
import { uiToApi, type ObjectInfo } from '../../server/protocol/ui-to-api.js';
import { connectWs, type WsClient } from '../support/ws-client.js';

const PROBES = `
import { threadId } from 'node:worker_threads';
export default ({ defineNode, inputs }) => [
  defineNode({ type: 'ThreadProbe', category: 'testing', outputNode: true, inputs: { required: { tag: inputs.string({ default: '' }) } }, outputs: [],
    run: (_ctx, { tag }) => ({ ui: { thread: [threadId], tag: [tag] } }) }),
  defineNode({ type: 'BusyWait', category: 'testing', outputNode: true, inputs: { required: { ms: inputs.int({ default: 1000, min: 0, max: 60000 }) } }, outputs: [],
    run: (_ctx, { ms }) => { const end = Date.now() + ms; while (Date.now() < end); return { ui: { waited: [ms] } }; } }),
  defineNode({ type: 'WaitForInterrupt', category: 'testing', outputNode: true, inputs: { required: { ms: inputs.int({ default: 30000, min: 0, max: 60000 }) } }, outputs: [],
    run: async (ctx, { ms }) => { await new Promise((r) => { const t = setTimeout(r, ms); ctx.signal.addEventListener('abort', () => (clearTimeout(t), r()), { once: true }); }); ctx.throwIfInterrupted(); return { ui: {} }; } }),
  defineNode({ type: 'ExitThread', category: 'testing', outputNode: true, inputs: { required: { code: inputs.int({ default: 3, min: 0, max: 100 }) } }, outputs: [],
    run: (_ctx, { code }) => { if (threadId !== 0) process.exit(code); return { ui: {} }; } }),
];
`;

let root: string;
let runtime: AppRuntime;
let server: RunningServer;
let ws: WsClient;
const logs: string[] = [];

async function post(prompt: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${server.url}/prompt`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ prompt, client_id: 'thread-test' }) });
  const body = (await res.json()) as { prompt_id: string };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.prompt_id;
}

const ofPrompt = (id: string, type: string) => (m: { type: string; data: any }) => m.type === type && m.data?.prompt_id === id;

async function history(id: string): Promise<any> {
  return ((await (await fetch(`${server.url}/history/${id}`)).json()) as Record<string, any>)[id];
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pg-engine-thread-'));
  mkdirSync(path.join(root, 'custom_nodes'), { recursive: true });
  writeFileSync(path.join(root, 'custom_nodes', 'probes.mjs'), PROBES);
  runtime = await createRuntime({ dataDir: root, device: 'cpu', engineThread: true, log: (m) => logs.push(m) });
  server = await startServer({ engine: runtime.executor, dirs: runtime.dirs, port: 0, deviceInfo: runtime.deviceInfo, log: (m) => logs.push(m) });
  ws = await connectWs(server.url, { clientId: 'thread-test' });
}, 120_000);
afterAll(async () => {
  await ws?.close();
  await server?.close();
  await runtime?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('engine thread', () => {
  it('runs nodes off the server thread and relays their events in order', async () => {
    expect(runtime.executor).not.toBe(runtime.engine);
    const id = await post({ '1': { class_type: 'ThreadProbe', inputs: { tag: 'hello' } } });
    await ws.waitForDone(id, 60_000);
    const entry = await history(id);
    expect(entry.status.status_str).toBe('success');
    expect(entry.outputs['1'].tag).toEqual(['hello']);
    expect(entry.outputs['1'].thread[0]).not.toBe(threadId);
    const types = ws.messages.filter((m) => m.data?.prompt_id === id && m.type !== 'progress_state').map((m) => (m.type === 'executing' ? `executing:${m.data.node}` : m.type));
    expect(types).toEqual(['execution_start', 'execution_cached', 'executing:1', 'executed', 'execution_success', 'executing:null']);
  });

  it('runs a prompt over 1 MiB from the bytes the server remembered for it (shared memory, not a copied string)', async () => {
    // ThreadProbe's tag carries a 2 MiB text with non-ASCII characters; the server stores the prompt's text as
    // bytes (json-stringify-pieces.ts) and hands those to the thread, which decodes and validates them itself.
    const tag = `${'猫 café 🐈 '.repeat(200_000)}end`;
    const id = await post({ '1': { class_type: 'ThreadProbe', inputs: { tag } } });
    await ws.waitForDone(id, 60_000);
    const entry = await history(id);
    expect(entry.status.status_str).toBe('success');
    expect(entry.outputs['1'].tag[0] === tag).toBe(true);
    expect(entry.prompt[2]['1'].inputs.tag === tag).toBe(true);
  });

  it('answers requests while a node blocks its thread', async () => {
    const id = await post({ '1': { class_type: 'BusyWait', inputs: { ms: 3000 } } });
    await ws.waitFor((m) => m.type === 'executing' && m.data?.prompt_id === id && m.data.node === '1', { timeoutMs: 30_000 });
    const queue = (await (await fetch(`${server.url}/queue`)).json()) as { queue_running: unknown[][] };
    // The node is still busy: the reply came while it blocked its thread.
    expect(ws.messages.some(ofPrompt(id, 'executed'))).toBe(false);
    expect(queue.queue_running.map((r) => r[1])).toEqual([id]);
    await ws.waitForDone(id, 30_000);
    expect((await history(id)).outputs['1'].waited).toEqual([3000]);
  });

  it('takes an interrupt to the node in the thread', async () => {
    const id = await post({ '1': { class_type: 'WaitForInterrupt', inputs: { ms: 30000 } } });
    await ws.waitFor((m) => m.type === 'executing' && m.data?.prompt_id === id && m.data.node === '1', { timeoutMs: 30_000 });
    await fetch(`${server.url}/interrupt`, { method: 'POST' });
    await ws.waitFor(ofPrompt(id, 'execution_interrupted'), { timeoutMs: 5_000 });
    expect((await history(id)).status).toMatchObject({ status_str: 'error', completed: false });
  });

  it('fails only the running prompt when the thread dies, and starts a new thread for the next', async () => {
    const dead = await post({ '1': { class_type: 'ExitThread', inputs: { code: 3 } } });
    const after = await post({ '1': { class_type: 'ThreadProbe', inputs: { tag: 'after' } } });
    const error = await ws.waitFor(ofPrompt(dead, 'execution_error'), { timeoutMs: 30_000 });
    expect(error.data.exception_message).toMatch(/engine thread stopped: exited with code 3/);
    expect(logs.some((l) => /engine thread stopped: exited with code 3/.test(l))).toBe(true);
    await ws.waitForDone(after, 60_000);
    expect((await history(after)).outputs['1'].tag).toEqual(['after']);
  });

  it('runs a model workflow there, reports its sessions in /system_stats and releases them on /free', async () => {
    const doc = JSON.parse(readFileSync(path.join(runtime.workflowsDir, 'iqa-score.json'), 'utf8'));
    const prompt = 'nodes' in doc ? uiToApi(doc, runtime.engine.objectInfo() as unknown as ObjectInfo) : (doc.prompt ?? doc);
    const id = await post(prompt);
    await ws.waitForDone(id, 120_000);
    expect((await history(id)).status.status_str).toBe('success');
    const stats = async () => ((await (await fetch(`${server.url}/system_stats`)).json()) as { devices: { sessions_loaded: number }[] }).devices[0]!;
    expect((await stats()).sessions_loaded).toBeGreaterThan(0);
    // The server thread's own pool never ran a session: the figure is the thread's.
    expect(runtime.models.pool.stats().sessionsLoaded).toBe(0);
    expect((await fetch(`${server.url}/free`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ unload_models: true }) })).status).toBe(200);
    // /free takes effect between prompts; a prompt after it reports the pool again.
    const probe = await post({ '1': { class_type: 'ThreadProbe', inputs: { tag: 'freed' } } });
    await ws.waitForDone(probe, 60_000);
    expect((await stats()).sessions_loaded).toBe(0);
  }, 180_000);
});
