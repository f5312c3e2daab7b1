import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { dataDirs } from '../../../server/data-dir.js';
import { Engine } from '../../../server/engine/engine.js';
import type { ExecutionEvent } from '../../../server/engine/execution-events.js';
import { NodeRegistry } from '../../../server/engine/registry.js';
import { testServices } from '../../support/services.js';
import { PromptBuilder, chainPrompt, diamondPrompt } from '../../support/graph-builder.js';
import { callCounts, stubNodes } from '../../support/stub-nodes.js';

const link = PromptBuilder.link;
const newEngine = () => new Engine({ registry: new NodeRegistry(stubNodes), services: testServices() });

async function run(engine: Engine, prompt: unknown, signal?: AbortSignal) {
  const v = await engine.validate(prompt);
  if (!v.ok) throw new Error(JSON.stringify(v.error));
  const events: ExecutionEvent[] = [];
  const outcome = await engine.execute({ promptId: 'p', graph: v.graph, outputs: v.outputs, prompt: v.prompt, signal, onEvent: (e) => events.push(e) });
  return { outcome, events, types: events.map((e) => e.type) };
}

beforeEach(() => callCounts.clear());

describe('execute', () => {
  it('runs upstream first and reports UI outputs', async () => {
    const engine = newEngine();
    const b = new PromptBuilder();
    const a = b.add('CountCalls', { a: 2 });
    const c = b.add('CountCalls', { a: 3, upstream: link(a) });
    b.add('StubOutput', { value: link(c), label: 'sum' });
    const { outcome, types } = await run(engine, b.build());
    expect(outcome).toEqual({ status: 'success', outputs: { '3': { text: ['sum: 5'] } } });
    expect(types).toEqual([
      'execution_start', 'execution_cached',
      'executing', 'node_finished', 'executing', 'node_finished', 'executing', 'executed', 'node_finished',
      'execution_success',
    ]);
  });

  it('re-runs nothing on an identical prompt, and only the downstream nodes after one widget change', async () => {
    const engine = newEngine();
    const b = new PromptBuilder();
    const a = b.add('CountCalls', { a: 1 });
    const mid = b.add('CountCalls', { a: 1, upstream: link(a) });
    const side = b.add('CountCalls', { a: 5 });
    const join = b.add('StubAdd', { a: link(mid), b: link(side) });
    b.add('StubOutput', { value: link(join) });
    await run(engine, b.build());
    expect([...callCounts.values()].every((n) => n === 1)).toBe(true);

    callCounts.clear();
    const again = await run(engine, b.build());
    expect(callCounts.size).toBe(0);
    const cached = again.events.find((e) => e.type === 'execution_cached');
    expect(cached).toMatchObject({ nodes: expect.arrayContaining(['1', '2', '3', '4', '5']) });
    // The cached output node re-sends its UI output.
    expect(again.events.filter((e) => e.type === 'executed')).toHaveLength(1);

    callCounts.clear();
    b.prompt[mid]!.inputs.a = 2;
    const changed = await run(engine, b.build());
    expect([...callCounts.keys()].sort()).toEqual([mid, join, '5'].sort());
    expect(changed.outcome.outputs['5']).toEqual({ text: ['8'] });
  });

  it('keys the cache by signature, not node id', async () => {
    const engine = newEngine();
    const b1 = new PromptBuilder();
    b1.add('StubOutput', { value: link(b1.add('CountCalls', { a: 7 }, '10')) }, '11');
    await run(engine, b1.build());
    callCounts.clear();
    const b2 = new PromptBuilder();
    b2.add('StubOutput', { value: link(b2.add('CountCalls', { a: 7 }, '99')) }, '11');
    await run(engine, b2.build());
    expect(callCounts.has('99')).toBe(false);
  });

  it('turns a node exception into execution_error and keeps earlier results cached', async () => {
    const engine = newEngine();
    const b = new PromptBuilder();
    const a = b.add('CountCalls', { a: 1 });
    const f = b.add('Fail', { message: 'kaput', value: link(a) });
    b.add('StubOutput', { value: link(f) });
    const { outcome, events } = await run(engine, b.build());
    expect(outcome.status).toBe('error');
    const err = events.find((e) => e.type === 'execution_error');
    expect(err).toMatchObject({ error: { nodeId: '2', nodeType: 'Fail', exceptionMessage: 'kaput', exceptionType: 'RangeError', executed: ['1'] } });
    expect(err && err.type === 'execution_error' && err.error.currentInputs).toEqual({ message: ['"kaput"'], value: ['1'] });
    callCounts.clear();
    await run(engine, b.build());
    expect(callCounts.has('1')).toBe(false);
  });

  it('stops on interrupt with execution_interrupted', async () => {
    const engine = newEngine();
    const b = new PromptBuilder();
    const s = b.add('Sleep', { ms: 2000, steps: 100 });
    b.add('StubOutput', { value: link(s) });
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 100);
    const { outcome, events } = await run(engine, b.build(), ac.signal);
    expect(outcome.status).toBe('interrupted');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(events.at(-1)).toMatchObject({ type: 'execution_interrupted', node: '1', nodeType: 'Sleep' });
    expect(events.some((e) => e.type === 'progress')).toBe(true);
  });

  it('maps list outputs over consumers, one call per item', async () => {
    const engine = newEngine();
    const b = new PromptBuilder();
    const l = b.add('StubList', { n: 3 });
    const c = b.add('CountCalls', { a: 10, upstream: link(l) });
    b.add('StubOutput', { value: link(c) });
    const { outcome } = await run(engine, b.build());
    expect(callCounts.get(c)).toBe(3);
    expect(outcome.outputs['3']).toEqual({ text: ['10', '11', '12'] });
  });

  it('runs 1,000-node chains and diamonds', async () => {
    const engine = newEngine();
    const chain = await run(engine, chainPrompt(1000));
    expect(chain.outcome.outputs['1000']).toEqual({ text: ['999'] });
    const diamond = await run(engine, diamondPrompt(1000));
    expect(diamond.outcome.status).toBe('success');
  });
});
