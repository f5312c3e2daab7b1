/**
 * Runs prompts through the real server and a real WebSocket client: message sequence, caching, interrupt,
 * node failures, validation errors, priorities, big integers and secrets.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callCounts, stubNodes } from '../../support/stub-nodes.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { connectWs, type WsClient } from '../../support/ws-client.js';

let s: TestServer;
let ws: WsClient;
const CLIENT = 'client-run-tests';

beforeAll(async () => {
  s = await startTestServer({ nodes: stubNodes });
  ws = await connectWs(s.url, { clientId: CLIENT });
});
afterAll(async () => {
  await ws.close();
  await s.close();
});

/** StubImage(id a) → StubOutput(id b). */
function imagePrompt(a: string, b: string, value = 0.5): Record<string, unknown> {
  return {
    [a]: { class_type: 'StubImage', inputs: { width: 4, height: 4, batch: 1, value } },
    [b]: { class_type: 'StubOutput', inputs: { value: [a, 0] } },
  };
}

function sleepPrompt(id: string, ms = 20_000, steps = 1_000): Record<string, unknown> {
  return { [id]: { class_type: 'Sleep', inputs: { ms, steps } }, [`${id}o`]: { class_type: 'StubOutput', inputs: { value: [id, 0] } } };
}

async function queue(prompt: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await s.postJson('/prompt', { prompt, client_id: CLIENT, ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.prompt_id as string;
}

/** The messages of one prompt (plus the status frames in between), from index `from`. */
function messagesOf(promptId: string, from: number) {
  return ws.messages.slice(from).filter((m) => m.type === 'status' || m.data?.prompt_id === promptId);
}

describe('POST /prompt → WebSocket', () => {
  it('sends the exact ComfyUI sequence, and the history exists before the final executing', async () => {
    const from = ws.messages.length;
    const id = await queue(imagePrompt('seq1', 'seq2'));
    await ws.waitForDone(id);
    const history = await s.getJson(`/history/${id}`); // right after the final frame: must already exist
    const seq = messagesOf(id, from).map((m) => (m.type === 'executing' ? `executing:${m.data.node}` : m.type === 'status' ? `status:${m.data.status.exec_info.queue_remaining}` : m.type));
    expect(seq).toEqual([
      'status:1',
      'status:1',
      'execution_start',
      'execution_cached',
      'progress_state', // seq1 running: ComfyUI's start_progress comes before its executing
      'executing:seq1',
      'progress_state', // seq1 finished
      'progress_state', // seq2 running
      'executing:seq2',
      'executed',
      'progress_state', // seq2 finished
      'execution_success',
      'status:0',
      'executing:null',
    ]);
    const msgs = messagesOf(id, from);
    const executed = msgs.find((m) => m.type === 'executed')!;
    expect(executed.data).toEqual({ node: 'seq2', display_node: 'seq2', output: { text: ['tensor[1,4,4,3]'] }, prompt_id: id });
    expect(Number.isInteger(msgs.find((m) => m.type === 'execution_start')!.data.timestamp)).toBe(true);
    const h = history.body[id];
    expect(h.status).toMatchObject({ status_str: 'success', completed: true });
    expect(h.status.messages.map((m: [string]) => m[0])).toEqual(['execution_start', 'execution_cached', 'execution_success']);
    expect(h.outputs).toEqual({ seq2: { text: ['tensor[1,4,4,3]'] } });
    expect(h.meta.seq2).toEqual({ node_id: 'seq2', display_node: 'seq2', parent_node: null, real_node_id: 'seq2' });
    expect(h.prompt.slice(0, 2)).toEqual([expect.any(Number), id]);
    expect(h.prompt[3].client_id).toBe(CLIENT);
    expect(h.prompt[4]).toEqual(['seq2']);
  });

  it('re-queueing reports cached nodes; a widget change re-runs only that node and its dependents', async () => {
    const first = await queue(imagePrompt('c1', 'c2', 0.25));
    await ws.waitForDone(first);
    const runs = callCounts.get('c1');
    const from = ws.messages.length;
    const again = await queue(imagePrompt('c1', 'c2', 0.25));
    await ws.waitForDone(again);
    const cached = messagesOf(again, from).find((m) => m.type === 'execution_cached')!;
    expect([...cached.data.nodes].sort()).toEqual(['c1', 'c2']);
    expect(callCounts.get('c1')).toBe(runs);
    expect(messagesOf(again, from).some((m) => m.type === 'executed' && m.data.node === 'c2')).toBe(true);

    const from2 = ws.messages.length;
    const changed = await queue(imagePrompt('c1', 'c2', 0.75));
    await ws.waitForDone(changed);
    expect(messagesOf(changed, from2).find((m) => m.type === 'execution_cached')!.data.nodes).toEqual([]);
    expect(callCounts.get('c1')).toBe(runs! + 1);
  });

  it('an interrupt ends the running prompt with execution_interrupted, and the server keeps serving', async () => {
    const from = ws.messages.length;
    const id = await queue(sleepPrompt('sl1'));
    await ws.waitFor((m) => m.type === 'progress' && m.data.prompt_id === id, { from });
    const other = await s.postJson('/interrupt', { prompt_id: 'not-running' });
    expect(other).toEqual({ status: 200, body: {} });
    const r = await fetch(`${s.url}/api/interrupt`, { method: 'POST' }); // empty body
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({});
    await ws.waitForDone(id);
    const interrupted = messagesOf(id, from).find((m) => m.type === 'execution_interrupted')!;
    expect(interrupted.data).toMatchObject({ prompt_id: id, node_id: 'sl1', node_type: 'Sleep' });
    expect(messagesOf(id, from).some((m) => m.type === 'execution_success')).toBe(false);
    const h = (await s.getJson(`/history/${id}`)).body[id];
    expect(h.status).toMatchObject({ status_str: 'error', completed: false });
    expect(h.status.messages.map((m: [string]) => m[0])).toContain('execution_interrupted');
    const next = await queue(imagePrompt('after1', 'after2'));
    await ws.waitForDone(next);
    expect((await s.getJson(`/history/${next}`)).body[next].status.status_str).toBe('success');
  });

  it('an interrupt naming another prompt leaves the running one alone', async () => {
    const id = await queue(sleepPrompt('sl2', 200, 4));
    await ws.waitFor((m) => m.type === 'progress' && m.data.prompt_id === id);
    await s.postJson('/interrupt', { prompt_id: 'someone-else' });
    await ws.waitForDone(id);
    expect((await s.getJson(`/history/${id}`)).body[id].status.status_str).toBe('success');
  });

  it('a node exception gives execution_error with node id, type and message; the next prompt runs', async () => {
    const from = ws.messages.length;
    const id = await queue({ f1: { class_type: 'Fail', inputs: { message: 'kaboom' } }, f2: { class_type: 'StubOutput', inputs: { value: ['f1', 0] } } });
    await ws.waitForDone(id);
    const err = messagesOf(id, from).find((m) => m.type === 'execution_error')!;
    expect(err.data).toMatchObject({ prompt_id: id, node_id: 'f1', node_type: 'Fail', exception_type: 'RangeError' });
    expect(err.data.exception_message).toContain('kaboom');
    expect(Number.isInteger(err.data.timestamp)).toBe(true);
    const h = (await s.getJson(`/history/${id}`)).body[id];
    expect(h.status.status_str).toBe('error');
    expect(h.status.messages.find((m: [string]) => m[0] === 'execution_error')[1].node_id).toBe('f1');
    const next = await queue(imagePrompt('nf1', 'nf2'));
    await ws.waitForDone(next);
    expect((await s.getJson(`/history/${next}`)).body[next].status.status_str).toBe('success');
  });
});

describe('POST /prompt validation', () => {
  it('answers 400 with ComfyUI error and node_errors, and sends nothing over WS', async () => {
    const from = ws.messages.length;
    const r = await s.postJson('/prompt', { prompt: imagePrompt('v1', 'v2', 5), client_id: CLIENT });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ type: 'prompt_outputs_failed_validation', message: 'Prompt outputs failed validation' });
    const ne = r.body.node_errors.v1;
    expect(ne.class_type).toBe('StubImage');
    expect(ne.dependent_outputs).toEqual(['v2']);
    expect(ne.errors[0]).toMatchObject({ type: 'value_bigger_than_max', extra_info: { input_name: 'value' } });
    expect(ws.messages.length).toBe(from);
  });

  it('no prompt → no_prompt; unknown class → invalid_prompt; no output → prompt_no_outputs', async () => {
    const none = await s.postJson('/prompt', { client_id: CLIENT });
    expect(none.status).toBe(400);
    expect(none.body).toEqual({ error: { type: 'no_prompt', message: 'No prompt provided', details: 'No prompt provided', extra_info: {} }, node_errors: {} });
    const unknown = await s.postJson('/prompt', { prompt: { '1': { class_type: 'Nope', inputs: {} } } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.type).toBe('invalid_prompt');
    const noOut = await s.postJson('/prompt', { prompt: { '1': { class_type: 'StubImage', inputs: {} } } });
    expect(noOut.status).toBe(400);
    expect(noOut.body.error.type).toBe('prompt_no_outputs');
  });
});

describe('queue semantics over HTTP', () => {
  it('number/front priorities, the /queue 5-tuples, delete; secrets never listed or stored; bigints survive', async () => {
    const blocker = await queue(sleepPrompt('blk'));
    await ws.waitFor((m) => m.type === 'progress' && m.data.prompt_id === blocker);
    const a = await queue(imagePrompt('qa1', 'qa2', 0.1));
    const b = await queue(imagePrompt('qb1', 'qb2', 0.2), { front: true });
    const c = await queue(imagePrompt('qc1', 'qc2', 0.3), { number: -100 });
    const secret = await queue(imagePrompt('qs1', 'qs2', 0.4), { extra_data: { api_key_comfy_org: 'SECRET-KEY', auth_token_comfy_org: 'SECRET-TOKEN' } });
    // A 64-bit seed, sent as raw JSON text so nothing on the client side can round it.
    const raw = `{"client_id":"${CLIENT}","prompt":{"w":{"class_type":"StubWidgets","inputs":{"seed":18446744073709551615,"steps":3,"cfg":8.0,"text":"t","flag":true,"mode":"b"}},"wo":{"class_type":"StubOutput","inputs":{"value":["w",0]}}}}`;
    const big = (await (await fetch(`${s.url}/prompt`, { method: 'POST', body: raw })).json()).prompt_id as string;
    await s.postJson('/queue', { delete: [secret] }).then((r) => expect(r).toEqual({ status: 200, body: undefined }));

    const qText = await (await fetch(`${s.url}/api/queue`)).text();
    expect(qText).toContain('"seed":18446744073709551615');
    expect(qText).not.toContain('SECRET');
    const q = (await s.getJson('/queue')).body;
    expect(q.queue_running.map((t: unknown[]) => t[1])).toEqual([blocker]);
    const pending = Object.fromEntries(q.queue_pending.map((t: unknown[]) => [t[1], t[0]]));
    expect(Object.keys(pending).sort()).toEqual([a, b, c, big].sort());
    expect(pending[b]).toBe(-(pending[a] + 1));
    expect(pending[c]).toBe(-100);
    expect(q.queue_pending[0]).toHaveLength(5);

    await s.postJson('/interrupt', {});
    await ws.waitForDone(big);
    const order = Object.keys((await s.getJson('/history?max_items=5')).body);
    expect(order).toEqual([blocker, c, b, a, big]);
    const hText = await (await fetch(`${s.url}/history/${big}`)).text();
    expect(hText).toContain('"seed":18446744073709551615');
    expect(hText).toContain('18446744073709551615|3|8|t|true|b');
    for (const f of readdirSync(s.dirs.state)) expect(readFileSync(path.join(s.dirs.state, f), 'utf8')).not.toContain('SECRET');
  });
});
