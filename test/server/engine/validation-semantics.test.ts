/**
 * ComfyUI's validation semantics through the real server (POST /prompt): async `validate`, `validate` with the
 * linked input types, a node's `validate` owning min/max, constants on any input type, undeclared linked inputs
 * and 100,000-node chains.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineNode } from '../../../server/engine/node-definition.js';
import { float, int, socket } from '../../../server/engine/inputs.js';
import { ANY, FLOAT, INT, socketType } from '../../../server/engine/socket-type.js';
import { IMAGE } from '../../../nodes/socket-types.js';
import { PromptBuilder, chainPrompt } from '../../support/graph-builder.js';
import { stubNodes } from '../../support/stub-nodes.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { connectWs } from '../../support/ws-client.js';

const link = PromptBuilder.link;
const FANCY = socketType<unknown>('FANCY_THING');

/** Async validate over `even` only: odd values are refused after an await. */
const AsyncEven = defineNode({
  type: 'AsyncEven',
  category: 'testing',
  inputs: { required: { even: int({ default: 0, min: 0, max: 10 }), other: int({ default: 0, min: 0, max: 10 }) } },
  outputs: [{ type: INT }],
  validates: ['even'],
  async validate({ even }) {
    await new Promise((r) => setTimeout(r, 5));
    return (even ?? 0) % 2 === 0 ? true : `${even} is odd`;
  },
  run: (_ctx, { even, other }) => ({ outputs: [even + other] }),
});

/** Takes a FLOAT socket but checks the link type itself: INT and FLOAT links pass, others are refused. */
const NumberSink = defineNode({
  type: 'NumberSink',
  category: 'testing',
  outputNode: true,
  inputs: { required: { x: socket(FLOAT) } },
  outputs: [],
  validatesInputTypes: true,
  validate(_inputs, _services, { inputTypes }) {
    const t = inputTypes.x;
    return t === undefined || t === 'INT' || t === 'FLOAT' ? true : `x must be a number, got ${t}`;
  },
  run: (_ctx, { x }) => ({ ui: { text: [`${typeof x}:${String(x)}`] } }),
});

/** Takes constants on sockets of every kind and reports what it received. */
const AnyConsts = defineNode({
  type: 'AnyConsts',
  category: 'testing',
  outputNode: true,
  inputs: {
    required: { any: socket(ANY), multi: socket(socketType<unknown>('IMAGE,FLOAT')), custom: socket(FANCY), image: socket(IMAGE) },
    optional: { n: socket(INT), f: float({ default: 0, min: 0, max: 1 }) },
  },
  outputs: [],
  run: (_ctx, inputs) => ({ ui: { text: [JSON.stringify(inputs)] } }),
});

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ nodes: [...stubNodes, AsyncEven, NumberSink, AnyConsts] });
});
afterAll(() => server?.close());

async function post(prompt: unknown) {
  return server.postJson('/prompt', { prompt, client_id: 'vs' });
}

describe('validatePrompt semantics over POST /prompt', () => {
  it('awaits an async validate and reports custom_validation_failed per covered input', async () => {
    const b = new PromptBuilder();
    const n = b.add('AsyncEven', { even: 3, other: 1 });
    b.add('StubOutput', { value: link(n) });
    const bad = await post(b.build());
    expect(bad.status).toBe(400);
    expect(bad.body.node_errors['1'].errors).toEqual([
      expect.objectContaining({ type: 'custom_validation_failed', details: 'even - 3 is odd', extra_info: expect.objectContaining({ input_name: 'even' }) }),
    ]);
    b.prompt['1']!.inputs.even = 4;
    expect((await post(b.build())).status).toBe(200);
  });

  it('lets a validate own min/max of the inputs it covers, and only those', async () => {
    const b = new PromptBuilder();
    const n = b.add('AsyncEven', { even: 12, other: 1 }); // 12 > max 10, but `even` belongs to validate
    b.add('StubOutput', { value: link(n) });
    expect((await post(b.build())).status).toBe(200);
    b.prompt['1']!.inputs.other = 11;
    const bad = await post(b.build());
    expect(bad.body.node_errors['1'].errors[0]).toMatchObject({ type: 'value_bigger_than_max', extra_info: { input_name: 'other' } });
  });

  it('hands a validate with input types the linked types and skips the built-in type check', async () => {
    const b = new PromptBuilder();
    const i = b.add('CountCalls', { a: 4 }); // INT into a FLOAT socket: refused normally, accepted by NumberSink
    b.add('NumberSink', { x: link(i) });
    const ws = await connectWs(server.url, { clientId: 'vs' });
    try {
      const ok = await post(b.build());
      expect(ok.status).toBe(200);
      await ws.waitForDone(ok.body.prompt_id);
      expect((await server.waitForHistory(ok.body.prompt_id)).outputs['2'].text).toEqual(['number:4']);
    } finally {
      await ws.close();
    }
    const c = new PromptBuilder();
    const img = c.add('StubImage', { width: 1, height: 1, batch: 1, value: 0 });
    c.add('NumberSink', { x: link(img) });
    const bad = await post(c.build());
    expect(bad.status).toBe(400);
    expect(bad.body.node_errors['2'].errors[0]).toMatchObject({ type: 'custom_validation_failed', details: 'x must be a number, got IMAGE' });
  });

  it('accepts constants on any input type and converts only INT/FLOAT/STRING/BOOLEAN', async () => {
    const b = new PromptBuilder();
    b.add('AnyConsts', { any: 'text', multi: 0.25, custom: { a: 1 }, image: 'not-an-image', n: '7', f: 0.5 });
    const ok = await post(b.build());
    expect(ok.status).toBe(200);
    const entry = await server.waitForHistory(ok.body.prompt_id);
    expect(JSON.parse(entry.outputs['1'].text[0])).toEqual({ any: 'text', multi: 0.25, custom: { a: 1 }, image: 'not-an-image', n: 7, f: 0.5 });
    b.prompt['1']!.inputs.n = 'seven';
    const bad = await post(b.build());
    expect(bad.body.node_errors['1'].errors[0]).toMatchObject({ type: 'invalid_input_type', extra_info: { input_name: 'n' } });
  });

  it('checks links on inputs a node does not declare and passes their values through', async () => {
    const b = new PromptBuilder();
    const src = b.add('CountCalls', { a: 3 });
    b.add('AnyConsts', { any: 1, multi: 1, custom: 1, image: 1, extra: link(src), dropped: 'constant' });
    const ok = await post(b.build());
    expect(ok.status).toBe(200);
    const entry = await server.waitForHistory(ok.body.prompt_id);
    expect(entry.status.status_str).toBe('success');
    expect(JSON.parse(entry.outputs['2'].text[0])).toMatchObject({ extra: 3 });
    expect(JSON.parse(entry.outputs['2'].text[0])).not.toHaveProperty('dropped');
    for (const bad of [link('99'), link(src, 4)]) {
      b.prompt['2']!.inputs.extra = bad;
      const r = await post(b.build());
      expect(r.status).toBe(400);
      expect(r.body.node_errors['2'].errors[0]).toMatchObject({ type: 'bad_linked_input', extra_info: { input_name: 'extra' } });
    }
  });

  it('validates a 100,000-node chain without overflowing the stack', async () => {
    const r = await post(chainPrompt(100_000));
    expect(r.status).toBe(200);
    const entry = await server.waitForHistory(r.body.prompt_id, 120_000);
    expect(entry.outputs['100000'].text).toEqual(['99999']);
  }, 180_000);
});
