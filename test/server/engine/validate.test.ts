import { describe, expect, it } from 'vitest';
import { Engine } from '../../../server/engine/engine.js';
import { NodeRegistry } from '../../../server/engine/registry.js';
import { testServices } from '../../support/services.js';
import { dataDirs } from '../../../server/data-dir.js';
import { stubNodes } from '../../support/stub-nodes.js';
import { PromptBuilder } from '../../support/graph-builder.js';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';

const engine = new Engine({ registry: new NodeRegistry(stubNodes), services: testServices() });
const link = PromptBuilder.link;

async function errorsOf(prompt: unknown) {
  const r = await engine.validate(prompt);
  if (r.ok) throw new Error('expected a validation failure');
  return r;
}

describe('validate', () => {
  it('accepts a valid prompt and returns the normalised graph', async () => {
    const b = new PromptBuilder();
    const w = b.add('StubWidgets', { seed: '42', steps: 3.7, cfg: '7.5', text: 12, flag: 'false', mode: 'b' });
    b.add('StubOutput', { value: link(w) });
    const r = await engine.validate(b.build());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.outputs).toEqual(['2']);
    expect(r.prompt['1']!.inputs).toEqual({ seed: 42n, steps: 3, cfg: 7.5, text: '12', flag: false, mode: 'b' });
  });

  it('rejects a prompt with no output nodes', async () => {
    const r = await errorsOf({ '1': { class_type: 'CountCalls', inputs: { a: 1 } } });
    expect(r.error.type).toBe('prompt_no_outputs');
  });

  it('rejects an unknown class and a missing class_type as invalid_prompt', async () => {
    expect((await errorsOf({ '1': { class_type: 'Nope', inputs: {} } })).error).toMatchObject({
      type: 'invalid_prompt',
      message: 'Cannot execute because node Nope does not exist.',
      details: "Node ID '#1'",
    });
    expect((await errorsOf({ '1': { inputs: {} } })).error.message).toContain('missing the class_type');
    expect((await errorsOf([1, 2])).error.type).toBe('invalid_prompt');
  });

  it('takes plain nodes as they are and leaves every other shape to the node schema, with the same results', async () => {
    const out = { class_type: 'StubOutput', inputs: { value: ['1', 0] } };
    const count = { class_type: 'CountCalls', inputs: { a: 1 } };
    // Shapes the schema refuses, whichever way they are checked.
    for (const bad of [{ class_type: 3, inputs: {} }, { ...count, inputs: [1] }, { ...count, _meta: { title: 5 } }, { ...count, _meta: [] }, 'node', null]) {
      expect((await errorsOf({ '1': bad, '2': out })).error).toMatchObject({ type: 'invalid_prompt', message: 'Invalid prompt' });
    }
    // Shapes it accepts: no inputs (an empty dict, so `a` is missing), extra members, a _meta with more than a
    // title, a class-based object; each gives the node the schema would.
    const ok = async (node: unknown) => {
      const r = await engine.validate({ '1': node, '2': out });
      if (!r.ok) throw new Error(`refused: ${r.error.message}`);
      return r.prompt['1'];
    };
    const noInputs = await errorsOf({ '1': { class_type: 'CountCalls' }, '2': out });
    expect(noInputs.nodeErrors['1']!.errors[0]).toMatchObject({ type: 'required_input_missing', details: 'a' });
    expect(await ok({ ...count, extra: 1, _meta: { title: 'T', color: 'red' } })).toEqual({ class_type: 'CountCalls', inputs: { a: 1 }, _meta: { title: 'T' } });
    class Shaped {
      class_type = 'CountCalls';
      inputs = { a: 1 };
    }
    expect(await ok(new Shaped())).toEqual({ class_type: 'CountCalls', inputs: { a: 1 } });
  });

  const cases: [string, Record<string, unknown>, string, string][] = [
    ['missing required input', { a: undefined }, 'required_input_missing', 'a'],
    ['invalid value type', { a: 'abc' }, 'invalid_input_type', 'a'],
    ['below min', { a: -2000000 }, 'value_smaller_than_min', 'a'],
    ['above max', { a: 2000000 }, 'value_bigger_than_max', 'a'],
    ['bad link shape', { a: 1, upstream: ['9', 0, 1] }, 'bad_linked_input', 'upstream'],
    ['link to a missing node', { a: 1, upstream: ['99', 0] }, 'bad_linked_input', 'upstream'],
    ['link to an out-of-range slot', { a: 1, upstream: ['3', 5] }, 'bad_linked_input', 'upstream'],
    ['type mismatch', { a: 1, upstream: ['3', 0] }, 'return_type_mismatch', 'upstream'],
  ];
  for (const [label, inputs, type, input] of cases) {
    it(`reports ${label} as ${type} on the offending node`, async () => {
      const b = new PromptBuilder();
      const clean = Object.fromEntries(Object.entries({ a: 1, ...inputs }).filter(([, v]) => v !== undefined));
      const n = b.add('CountCalls', clean);
      b.add('StubOutput', { value: link(n) });
      b.add('StubImage', { width: 2, height: 2, batch: 1, value: 0 });
      const r = await errorsOf(b.build());
      expect(r.error.type).toBe('prompt_outputs_failed_validation');
      expect(Object.keys(r.nodeErrors)).toEqual(['1']);
      const entry = r.nodeErrors['1']!;
      expect(entry.classType).toBe('CountCalls');
      expect(entry.dependentOutputs).toEqual(['2']);
      expect(entry.errors[0]).toMatchObject({ type, extraInfo: expect.objectContaining({ input_name: input }) });
      expect(r.error.details).toContain(entry.errors[0]!.message);
    });
  }

  it('reports a value not in a combo list with ComfyUI extra_info', async () => {
    const b = new PromptBuilder();
    const w = b.add('StubWidgets', { seed: 1, steps: 1, cfg: 1, text: '', flag: true, mode: 'z' });
    b.add('StubOutput', { value: link(w) });
    const err = (await errorsOf(b.build())).nodeErrors['1']!.errors[0]!;
    expect(err).toMatchObject({ type: 'value_not_in_list', message: 'Value not in list', details: `mode: 'z' not in ["a","b","c"]` });
    expect(err.extraInfo).toMatchObject({ input_name: 'mode', received_value: 'z', input_config: [['a', 'b', 'c'], { default: 'a' }] });
  });

  it('keeps 64-bit seeds exact and checks them against a bigint max', async () => {
    const b = new PromptBuilder();
    const w = b.add('StubWidgets', { seed: 18446744073709551615n, steps: 1, cfg: 1, text: '', flag: true, mode: 'a' });
    b.add('StubOutput', { value: link(w) });
    const r = await engine.validate(b.build());
    expect(r.ok && r.prompt['1']!.inputs.seed).toBe(18446744073709551615n);
    b.prompt['1']!.inputs.seed = 18446744073709551616n;
    expect((await errorsOf(b.build())).nodeErrors['1']!.errors[0]!.type).toBe('value_bigger_than_max');
  });

  it('detects dependency cycles', async () => {
    const b = new PromptBuilder();
    b.add('CountCalls', { a: 1, upstream: ['2', 0] }, '1');
    b.add('CountCalls', { a: 1, upstream: ['1', 0] }, '2');
    b.add('StubOutput', { value: ['2', 0] }, '3');
    const r = await errorsOf(b.build());
    expect(r.nodeErrors['1']!.errors[0]!.type).toBe('dependency_cycle');
    expect(r.nodeErrors['2']!.errors[0]!.type).toBe('dependency_cycle');
    expect(r.nodeErrors['3']).toBeUndefined();
  });

  it('detects a node linked to itself, and leaves nodes hanging off a cycle out of it', async () => {
    const b = new PromptBuilder();
    b.add('StubAdd', { a: ['1', 0], b: ['2', 0] }, '1');
    b.add('CountCalls', { a: 1 }, '2');
    b.add('StubOutput', { value: ['1', 0] }, '3');
    const r = await errorsOf(b.build());
    expect(Object.keys(r.nodeErrors)).toEqual(['1']);
    expect(r.nodeErrors['1']!.errors[0]!.type).toBe('dependency_cycle');
  });

  it('reports an upstream failure once, and runs only the outputs that validate', async () => {
    const b = new PromptBuilder();
    const bad = b.add('CountCalls', { a: 'x' });
    const mid = b.add('CountCalls', { a: 1, upstream: link(bad) });
    b.add('StubOutput', { value: link(mid) });
    const good = b.add('CountCalls', { a: 1 });
    b.add('StubOutput', { value: link(good) });
    const r = await engine.validate(b.build());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.outputs).toEqual(['5']);
    expect(Object.keys(r.nodeErrors)).toEqual(['1']);
    expect(r.nodeErrors['1']!.dependentOutputs).toEqual(['3']);
  });

  it('honours partial execution targets', async () => {
    const b = new PromptBuilder();
    const a = b.add('CountCalls', { a: 1 });
    b.add('StubOutput', { value: link(a) });
    b.add('StubOutput', { value: link(a) });
    const r = await engine.validate(b.build(), { targets: ['3'] });
    expect(r.ok && r.outputs).toEqual(['3']);
  });
});
