/**
 * ComfyUI's execution semantics through the real server and a WebSocket client: lazy inputs with checkLazy,
 * ExecutionBlocker (also inside lists), overlapping async nodes, rawLink inputs and the hidden inputs DYNPROMPT
 * and the Comfy.org credentials.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defineNode } from '../../../server/engine/node-definition.js';
import { blockExecution } from '../../../server/engine/execution-blocker.js';
import { outputLink } from '../../../server/engine/expansion.js';
import { boolean, int, rawLink, socket, string } from '../../../server/engine/inputs.js';
import { ANY, INT, STRING } from '../../../server/engine/socket-type.js';
import { PromptBuilder } from '../../support/graph-builder.js';
import { callCounts, stubNodes } from '../../support/stub-nodes.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { connectWs, type WsClient } from '../../support/ws-client.js';

const link = PromptBuilder.link;
const checkLazyCalls: string[][] = [];

/** ComfyUI's lazy switch: only the selected branch is evaluated. */
const LazySwitch = defineNode({
  type: 'LazySwitch',
  category: 'testing',
  inputs: { required: { select: boolean({ default: true }), on_true: socket(ANY, { lazy: true }), on_false: socket(ANY, { lazy: true }) } },
  outputs: [{ type: ANY }],
  checkLazy: ({ select }) => [select ? 'on_true' : 'on_false'],
  run: (_ctx, { select, on_true, on_false }) => ({ outputs: [select ? on_true : on_false] }),
});

/** Asks for `a` first (async), then for `b` only when a > 0: checkLazy runs until it asks for nothing new. */
const LazyChain = defineNode({
  type: 'LazyChain',
  category: 'testing',
  inputs: { required: { a: socket(INT, { lazy: true }) }, optional: { b: socket(INT, { lazy: true }) } },
  outputs: [{ type: INT }],
  async checkLazy({ a, b }) {
    checkLazyCalls.push([String(a), String(b)]);
    await new Promise((r) => setTimeout(r, 1));
    if (a === undefined) return ['a'];
    return a > 0 && b === undefined ? ['b'] : [];
  },
  run: (_ctx, { a, b }) => ({ outputs: [a + (b ?? 0)] }),
});

/** Passes its value on, or blocks (with a message when one is given). Blocks odd list items when `odd` is set. */
const Gate = defineNode({
  type: 'Gate',
  category: 'testing',
  inputs: { required: { value: socket(ANY), block: boolean({ default: false }), odd: boolean({ default: false }), message: string({ default: '' }) } },
  outputs: [{ type: ANY }],
  run: (_ctx, { value, block, odd, message }) => {
    const blocked = block || (odd && typeof value === 'number' && value % 2 === 1);
    return { outputs: [blocked ? blockExecution(message === '' ? null : message) : value] };
  },
});

/** Reports the raw link it gets and the DYNPROMPT view of its source. */
const RawLinkProbe = defineNode({
  type: 'RawLinkProbe',
  category: 'testing',
  outputNode: true,
  inputs: { required: { source: rawLink(ANY) }, hidden: { dyn: 'DYNPROMPT', me: 'UNIQUE_ID' } },
  outputs: [],
  run: (_ctx, { source, dyn, me }) => ({ ui: { text: [JSON.stringify({ source, sourceType: dyn.getNode(source[0])?.class_type, me: dyn.getNode(me)?.class_type })] } }),
});

/** Shows the Comfy.org credentials it was handed. */
const CredentialProbe = defineNode({
  type: 'CredentialProbe',
  category: 'testing',
  outputNode: true,
  inputs: { hidden: { token: 'AUTH_TOKEN_COMFY_ORG', key: 'API_KEY_COMFY_ORG' } },
  outputs: [{ type: STRING }],
  run: (_ctx, { token, key }) => ({ outputs: [`${token}|${key}`], ui: { text: [`${token?.length ?? 0}|${key?.length ?? 0}`] } }),
});

/** Expands into a chain of `n` CountCalls (a=1); its result is the chain's end. */
const Repeat = defineNode({
  type: 'Repeat',
  category: 'testing',
  inputs: { required: { n: int({ default: 2, min: 1, max: 100 }) } },
  outputs: [{ type: INT }],
  run(_ctx, { n }) {
    const expand: Record<string, { class_type: string; inputs: Record<string, unknown> }> = { c0: { class_type: 'CountCalls', inputs: { a: 7001 } } };
    for (let i = 1; i < n; i++) expand[`c${i}`] = { class_type: 'CountCalls', inputs: { a: 1, upstream: [`c${i - 1}`, 0] } };
    return { outputs: [outputLink(`c${n - 1}`)], expand };
  },
});

/** Expands into a node that needs this node's own output: a cycle made at run time. */
const SelfCycle = defineNode({
  type: 'SelfCycle',
  category: 'testing',
  inputs: { hidden: { me: 'UNIQUE_ID' } },
  outputs: [{ type: INT }],
  run: (_ctx, { me }) => ({ outputs: [outputLink('again')], expand: { again: { class_type: 'CountCalls', inputs: { a: 1, upstream: [me, 0] } } } }),
});

let server: TestServer;
let ws: WsClient;
beforeAll(async () => {
  server = await startTestServer({ nodes: [...stubNodes, LazySwitch, LazyChain, Gate, RawLinkProbe, CredentialProbe, Repeat, SelfCycle] });
  ws = await connectWs(server.url, { clientId: 'sem' });
});
afterAll(async () => {
  await ws?.close();
  await server?.close();
});
beforeEach(() => {
  callCounts.clear();
  checkLazyCalls.length = 0;
});

/** Queues `prompt` for the WS client, waits for the end; returns the history entry and the prompt's WS messages. */
async function run(prompt: unknown, extraData: Record<string, unknown> = {}) {
  const from = ws.messages.length;
  const r = await server.postJson('/prompt', { prompt, client_id: 'sem', extra_data: extraData });
  if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  const id = r.body.prompt_id as string;
  await ws.waitForDone(id, 20_000);
  const messages = ws.messages.slice(from).filter((m) => m.data?.prompt_id === id);
  return { id, entry: await server.waitForHistory(id), messages, executing: messages.filter((m) => m.type === 'executing' && m.data.node).map((m) => m.data.node) };
}

describe('lazy inputs', () => {
  it('evaluates only the branch checkLazy asks for; the other never runs and never errors', async () => {
    const b = new PromptBuilder();
    const yes = b.add('CountCalls', { a: 1 });
    const no = b.add('Fail', { message: 'must not run' });
    const sw = b.add('LazySwitch', { select: true, on_true: link(yes), on_false: link(no) });
    b.add('StubOutput', { value: link(sw) });
    const { entry, executing } = await run(b.build());
    expect(entry.status.status_str).toBe('success');
    expect(entry.outputs['4'].text).toEqual(['1']);
    expect(callCounts.has(no)).toBe(false);
    expect(executing).not.toContain(no);
    expect(executing).toEqual([sw, yes, '4']); // the switch is entered first, then its requested input
  });

  it('calls an async checkLazy again until it asks for nothing more', async () => {
    const b = new PromptBuilder();
    const a = b.add('CountCalls', { a: 2 });
    const bb = b.add('CountCalls', { a: 5 });
    const c = b.add('LazyChain', { a: link(a), b: link(bb) });
    b.add('StubOutput', { value: link(c) });
    const { entry } = await run(b.build());
    expect(entry.outputs['4'].text).toEqual(['7']);
    expect(checkLazyCalls).toEqual([['undefined', 'undefined'], ['2', 'undefined'], ['2', '5']]);

    const n = new PromptBuilder();
    const zero = n.add('CountCalls', { a: 0 });
    const never = n.add('Fail', { message: 'b is not needed' });
    const c2 = n.add('LazyChain', { a: link(zero), b: link(never) });
    n.add('StubOutput', { value: link(c2) });
    checkLazyCalls.length = 0;
    const second = await run(n.build());
    expect(second.entry.status.status_str).toBe('success');
    expect(second.entry.outputs['4'].text).toEqual(['0']);
    expect(checkLazyCalls).toHaveLength(2);
  });
});

describe('ExecutionBlocker', () => {
  it('stops downstream nodes silently, and output nodes give no UI', async () => {
    const b = new PromptBuilder();
    const src = b.add('CountCalls', { a: 1 });
    const gate = b.add('Gate', { value: link(src), block: true, odd: false, message: '' });
    const after = b.add('CountCalls', { a: 1, upstream: link(gate) });
    b.add('StubOutput', { value: link(after) });
    const { entry, messages } = await run(b.build());
    expect(entry.status.status_str).toBe('success');
    expect(callCounts.has(after)).toBe(false);
    expect(callCounts.has('4')).toBe(false);
    expect(entry.outputs['4']).toBeUndefined();
    expect(messages.some((m) => m.type === 'execution_error')).toBe(false);
  });

  it('with a message, reports an execution_error for the blocked node and the prompt goes on', async () => {
    const b = new PromptBuilder();
    const src = b.add('CountCalls', { a: 1 });
    const gate = b.add('Gate', { value: link(src), block: true, odd: false, message: 'no images today' });
    const after = b.add('CountCalls', { a: 1, upstream: link(gate) });
    b.add('StubOutput', { value: link(after) });
    const other = b.add('CountCalls', { a: 9 });
    b.add('StubOutput', { value: link(other) });
    const { entry, messages } = await run(b.build());
    const errors = messages.filter((m) => m.type === 'execution_error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.data).toMatchObject({ node_id: after, node_type: 'CountCalls', exception_message: 'Execution Blocked: no images today', exception_type: 'ExecutionBlocked' });
    expect(messages.some((m) => m.type === 'execution_success')).toBe(true);
    expect(entry.outputs['6'].text).toEqual(['9']);
  });

  it('blocks single items inside lists', async () => {
    const b = new PromptBuilder();
    const list = b.add('StubList', { n: 5 });
    const gate = b.add('Gate', { value: link(list), block: false, odd: true, message: '' });
    const add = b.add('CountCalls', { a: 100, upstream: link(gate) });
    b.add('StubOutput', { value: link(add) });
    const { entry } = await run(b.build());
    expect(callCounts.get(add)).toBe(3);
    expect(entry.outputs['4'].text).toEqual(['100', '102', '104']);
  });
});

describe('async nodes', () => {
  it('overlap: independent sleeps both start before either finishes, events stay ordered per node', async () => {
    const b = new PromptBuilder();
    const s1 = b.add('Sleep', { ms: 400, steps: 4 });
    const s2 = b.add('Sleep', { ms: 400, steps: 4 });
    b.add('StubOutput', { value: link(s1) });
    b.add('StubOutput', { value: link(s2) });
    const { messages, entry } = await run(b.build());
    expect(entry.status.status_str).toBe('success');
    const seq = messages.filter((m) => m.type === 'executing' || m.type === 'progress').map((m) => `${m.type}:${m.data.node}:${m.data.value ?? ''}`);
    const secondStart = seq.indexOf(`executing:${s2}:`);
    const firstEnd = seq.indexOf(`progress:${s1}:4`);
    expect(secondStart).toBeGreaterThan(-1);
    expect(secondStart).toBeLessThan(firstEnd);
    for (const s of [s1, s2]) {
      const values = messages.filter((m) => m.type === 'progress' && m.data.node === s).map((m) => m.data.value);
      expect(values).toEqual([1, 2, 3, 4]);
    }
  });
});

describe('rawLink and hidden inputs', () => {
  it('hands a rawLink input the link without running its source, and DYNPROMPT shows the prompt', async () => {
    const b = new PromptBuilder();
    const src = b.add('Fail', { message: 'not evaluated' });
    b.add('RawLinkProbe', { source: link(src) });
    const { entry } = await run(b.build());
    expect(entry.status.status_str).toBe('success');
    expect(JSON.parse(entry.outputs['2'].text[0])).toEqual({ source: [src, 0], sourceType: 'Fail', me: 'RawLinkProbe' });
    expect(callCounts.has(src)).toBe(false);
  });

  it('reads AUTH_TOKEN_COMFY_ORG / API_KEY_COMFY_ORG from extra_data and never stores them', async () => {
    const b = new PromptBuilder();
    b.add('CredentialProbe', {});
    const { id, entry } = await run(b.build(), { auth_token_comfy_org: 'secret-token', api_key_comfy_org: 'secret-key-1' });
    expect(entry.outputs['1'].text).toEqual(['12|12']);
    const history = JSON.stringify((await server.getJson(`/history/${id}`)).body);
    expect(history).not.toContain('secret-token');
    expect(history).not.toContain('secret-key-1');
    expect(JSON.stringify((await server.getJson('/queue')).body)).not.toContain('secret');
  });
});

describe('node expansion', () => {
  it('runs the expanded nodes under ids namespaced by the parent and resolves the result', async () => {
    const b = new PromptBuilder();
    const r = b.add('Repeat', { n: 3 });
    b.add('StubOutput', { value: link(r) });
    const { entry, executing } = await run(b.build());
    expect(entry.outputs['2'].text).toEqual(['7003']);
    expect(executing).toEqual(['1', '1.0.c0', '1.0.c1', '1.0.c2', '2']);
  });

  it('caches expanded nodes: a longer expansion runs only its new nodes', async () => {
    const b = new PromptBuilder();
    const r = b.add('Repeat', { n: 4 }, '7');
    b.add('StubOutput', { value: link(r) }, '8');
    await run(b.build());
    callCounts.clear();
    b.prompt['7']!.inputs.n = 5;
    const { entry } = await run(b.build());
    expect(entry.outputs['8'].text).toEqual(['7005']);
    expect([...callCounts.keys()].sort()).toEqual(['7.0.c4', '8']);
  });

  it('reports a cycle made at run time as an execution_error on the node', async () => {
    const b = new PromptBuilder();
    const c = b.add('SelfCycle', {});
    b.add('StubOutput', { value: link(c) });
    const { entry, messages } = await run(b.build());
    expect(entry.status.status_str).toBe('error');
    const err = messages.find((m) => m.type === 'execution_error')!;
    expect(err.data).toMatchObject({ exception_type: 'graph.DependencyCycleError', exception_message: 'Dependency cycle detected' });
    expect(['1', '1.0.again']).toContain(err.data.node_id);
  });
});
