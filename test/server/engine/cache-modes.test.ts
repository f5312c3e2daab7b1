/**
 * The cache modes through the real server and a WebSocket client (ComfyUI's --cache-classic, --cache-lru N,
 * --cache-none): what a prompt re-executes after the same prompt, after a different one, and after `/free`.
 * Each test asserts which nodes did *not* run (callCounts) as well as what ran.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineNode } from '../../../server/engine/node-definition.js';
import { outputLink } from '../../../server/engine/expansion.js';
import { int, socket, string } from '../../../server/engine/inputs.js';
import type { CacheConfig } from '../../../server/engine/output-cache.js';
import { INT } from '../../../server/engine/socket-type.js';
import { PromptBuilder } from '../../support/graph-builder.js';
import { callCounts, stubNodes } from '../../support/stub-nodes.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { connectWs, type WsClient } from '../../support/ws-client.js';

const link = PromptBuilder.link;

/** Needs `first` before it runs, and asks for its lazy `second` only then. */
const LazyPick = defineNode({
  type: 'LazyPick',
  category: 'testing',
  inputs: { required: { first: socket(INT), second: socket(INT, { lazy: true }) } },
  outputs: [{ type: INT }],
  checkLazy: ({ second }) => (second === undefined ? ['second'] : []),
  run: (_ctx, { first, second }) => ({ outputs: [first * 100 + second] }),
});

/** Expands into `n` independent CountCalls (a = 1000 + i) summed by StubAdd; `tag` only changes its signature. */
const Fan = defineNode({
  type: 'Fan',
  category: 'testing',
  inputs: { required: { n: int({ default: 2, min: 2, max: 10 }), tag: string({ default: '' }) } },
  outputs: [{ type: INT }],
  run(_ctx, { n }) {
    const expand: Record<string, { class_type: string; inputs: Record<string, unknown> }> = {};
    for (let i = 0; i < n; i++) expand[`c${i}`] = { class_type: 'CountCalls', inputs: { a: 1000 + i } };
    expand.s1 = { class_type: 'StubAdd', inputs: { a: ['c0', 0], b: ['c1', 0] } };
    return { outputs: [outputLink('s1')], expand };
  },
});

let server: TestServer;
let ws: WsClient;
async function start(cache?: CacheConfig) {
  server = await startTestServer({ nodes: [...stubNodes, LazyPick, Fan], cache });
  ws = await connectWs(server.url, { clientId: 'cache' });
}
afterEach(async () => {
  await ws?.close();
  await server?.close();
});
beforeEach(() => callCounts.clear());

/** Queues `prompt`, waits for it; returns the nodes that ran (by call count), the cached list and the outputs. */
async function run(prompt: unknown) {
  callCounts.clear();
  const r = await server.postJson('/prompt', { prompt, client_id: 'cache' });
  if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  const id = r.body.prompt_id as string;
  await ws.waitForDone(id, 20_000);
  const cached = ws.messages.find((m) => m.type === 'execution_cached' && m.data.prompt_id === id)!.data.nodes as string[];
  const entry = await server.waitForHistory(id);
  expect(entry.status.status_str, JSON.stringify(entry.status.messages)).toBe("success");
  return { ran: [...callCounts.keys()].sort(), counts: new Map(callCounts), cached: [...cached].sort(), outputs: entry.outputs };
}

/** a(1) → b(a + 2) → out. */
function promptA() {
  const p = new PromptBuilder();
  const a = p.add('CountCalls', { a: 1 }, 'a');
  const b = p.add('CountCalls', { a: 2, upstream: link(a) }, 'b');
  p.add('StubOutput', { value: link(b) }, 'out');
  return p.build();
}

/** Shares a's signature (under another id), not b's. */
function promptB() {
  const p = new PromptBuilder();
  const x = p.add('CountCalls', { a: 1 }, 'x');
  const y = p.add('CountCalls', { a: 30, upstream: link(x) }, 'y');
  p.add('StubOutput', { value: link(y) }, 'out');
  return p.build();
}

describe('--cache-classic (default)', () => {
  beforeEach(() => start());

  it('re-runs nothing for the same prompt', async () => {
    expect((await run(promptA())).ran).toEqual(['a', 'b', 'out']);
    const again = await run(promptA());
    expect(again.ran).toEqual([]);
    expect(again.cached).toEqual(['a', 'b', 'out']);
    expect(again.outputs.out.text).toEqual(['3']);
  });

  it('after a different prompt, re-runs what that prompt did not have (by signature)', async () => {
    await run(promptA());
    const b = await run(promptB());
    expect(b.cached).toEqual(['x']); // a's result, under x's id
    expect(b.ran).toEqual(['out', 'y']);
    const a = await run(promptA());
    // `a` survived (prompt B had its signature); `b` and the output were dropped when B started.
    expect(a.cached).toEqual(['a']);
    expect(a.ran).toEqual(['b', 'out']);
  });

  it('keeps an expansion parent\'s sub-graph results while the parent stays in the prompt', async () => {
    const fan = (tag: string, id = 'f') => {
      const p = new PromptBuilder();
      p.add('StubOutput', { value: link(p.add('Fan', { n: 2, tag }, id)) }, 'out');
      return p.build();
    };
    const first = await run(fan('one'));
    expect(first.ran).toEqual(['f.0.c0', 'f.0.c1', 'f.0.s1', 'out']);
    // The parent runs again (its tag changed) and expands into the same nodes: they come from its sub-cache.
    expect((await run(fan('two'))).ran).toEqual(['out']);
    // The same parent under another id has its own (empty) sub-cache, as in ComfyUI.
    expect((await run(fan('three', 'g'))).ran).toEqual(['g.0.c0', 'g.0.c1', 'g.0.s1', 'out']);
  });

  it('/free with free_memory drops the cache, so the same prompt runs again', async () => {
    await run(promptA());
    expect((await server.postJson('/free', { free_memory: true })).status).toBe(200);
    expect((await run(promptA())).ran).toEqual(['a', 'b', 'out']);
    // unload_models alone keeps the results.
    expect((await server.postJson('/free', { unload_models: true })).status).toBe(200);
    expect((await run(promptA())).ran).toEqual([]);
  });
});

describe('--cache-lru N', () => {
  it('keeps two alternating prompts cached when N holds both', async () => {
    await start({ mode: 'lru', size: 8 });
    await run(promptA());
    await run(promptB());
    for (let i = 0; i < 2; i++) {
      const a = await run(promptA());
      expect(a.ran).toEqual([]);
      expect(a.cached).toEqual(['a', 'b', 'out']);
      expect((await run(promptB())).ran).toEqual([]);
    }
    expect((await server.postJson('/free', { free_memory: true })).status).toBe(200);
    expect((await run(promptA())).ran).toEqual(['a', 'b', 'out']);
  });

  it('evicts the older prompt\'s results once more than N are stored', async () => {
    await start({ mode: 'lru', size: 2 });
    await run(promptA()); // a, b, out: 3 results
    await run(promptB()); // at its start 3 > 2: prompt A's results go, but a's signature is B's too (kept)
    const a = await run(promptA());
    expect(a.ran).toEqual(['b', 'out']);
  });
});

describe('--cache-none', () => {
  beforeEach(() => start({ mode: 'none' }));

  it('re-runs every node of the same prompt', async () => {
    expect((await run(promptA())).ran).toEqual(['a', 'b', 'out']);
    const again = await run(promptA());
    expect(again.ran).toEqual(['a', 'b', 'out']);
    expect(again.cached).toEqual([]);
    expect(again.outputs.out.text).toEqual(['3']);
  });

  it("drops a result once no node still to run holds it: a lazy input asking later runs its source again", async () => {
    const p = new PromptBuilder();
    const src = p.add('CountCalls', { a: 1 }, 'src');
    const mid = p.add('CountCalls', { a: 1, upstream: link(src) }, 'mid');
    p.add('StubOutput', { value: link(p.add('LazyPick', { first: link(mid), second: link(src) }, 'pick')) }, 'out');
    const none = await run(p.build());
    expect(none.outputs.out.text).toEqual(['201']);
    // `mid` was src's only holder; `pick` asked for src after mid completed (as ComfyUI's execution cache does).
    expect(none.counts.get('src')).toBe(2);
    expect(none.counts.get('mid')).toBe(1);
  });
});

describe('classic, for comparison', () => {
  it('runs the lazily asked source once', async () => {
    await start();
    const p = new PromptBuilder();
    const src = p.add('CountCalls', { a: 1 }, 'src');
    const mid = p.add('CountCalls', { a: 1, upstream: link(src) }, 'mid');
    p.add('StubOutput', { value: link(p.add('LazyPick', { first: link(mid), second: link(src) }, 'pick')) }, 'out');
    const classic = await run(p.build());
    expect(classic.outputs.out.text).toEqual(['201']);
    expect(classic.counts.get('src')).toBe(1);
  });
});
