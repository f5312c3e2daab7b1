/**
 * A stub node pack for engine and server tests: trivial, observable nodes with no models behind them.
 */
import { defineNode, type AnyNodeDefinition } from '../../server/engine/node-definition.js';
import { float, int, string, socket, combo, boolean } from '../../server/engine/inputs.js';
import { InterruptedError } from '../../server/engine/errors.js';
import type { ImageBatch } from '../../models/tensors.js';
import { ANY, INT, STRING } from '../../server/engine/socket-type.js';
import { IMAGE } from '../../nodes/socket-types.js';

/** Counts `run` calls per node id, so tests can assert what did *not* run. */
export const callCounts = new Map<string, number>();
function count(id: string): void {
  callCounts.set(id, (callCounts.get(id) ?? 0) + 1);
}

/** Makes a solid-colour IMAGE batch. */
export const StubImage = defineNode({
  type: 'StubImage',
  category: 'testing',
  description: 'A solid-colour image batch.',
  inputs: {
    required: {
      width: int({ default: 8, min: 1, max: 4096 }),
      height: int({ default: 8, min: 1, max: 4096 }),
      batch: int({ default: 1, min: 0, max: 64 }),
      value: float({ default: 0.5, min: 0, max: 1, step: 0.01 }),
    },
  },
  outputs: [{ type: IMAGE }],
  run(ctx, { width, height, batch, value }) {
    count(ctx.nodeId);
    const image: ImageBatch = { data: new Float32Array(batch * width * height * 3).fill(value), dims: [batch, height, width, 3] };
    return { outputs: [image] };
  },
});

/** Adds numbers; `a` may be linked. */
export const CountCalls = defineNode({
  type: 'CountCalls',
  category: 'testing',
  inputs: {
    required: { a: int({ default: 0, min: -1000000, max: 1000000 }) },
    optional: { upstream: socket(INT) },
  },
  outputs: [{ type: INT, name: 'sum' }],
  run(ctx, { a, upstream }) {
    count(ctx.nodeId);
    return { outputs: [a + (upstream ?? 0)] };
  },
});

/** Adds two linked integers (a join point for diamond graphs). */
export const StubAdd = defineNode({
  type: 'StubAdd',
  category: 'testing',
  inputs: { required: { a: socket(INT), b: socket(INT) } },
  outputs: [{ type: INT }],
  run(ctx, { a, b }) {
    count(ctx.nodeId);
    return { outputs: [a + b] };
  },
});

/** Sleeps in steps, reporting progress and checking for interrupts. */
export const Sleep = defineNode({
  type: 'Sleep',
  category: 'testing',
  inputs: {
    required: { ms: int({ default: 100, min: 0, max: 600000 }), steps: int({ default: 10, min: 1, max: 1000 }) },
    optional: { value: socket(ANY) },
  },
  outputs: [{ type: ANY, name: 'value' }],
  async run(ctx, { ms, steps, value }) {
    count(ctx.nodeId);
    for (let i = 1; i <= steps; i++) {
      await new Promise((r) => setTimeout(r, ms / steps));
      ctx.progress(i, steps);
    }
    return { outputs: [value ?? ms] };
  },
});

/** Always throws. */
export const Fail = defineNode({
  type: 'Fail',
  category: 'testing',
  inputs: { required: { message: string({ default: 'boom' }) }, optional: { value: socket(ANY) } },
  outputs: [{ type: ANY }],
  run(ctx, { message }) {
    count(ctx.nodeId);
    throw new RangeError(message);
  },
});

/** An output node that shows whatever it gets (as text) in its UI output. */
export const StubOutput = defineNode({
  type: 'StubOutput',
  category: 'testing',
  outputNode: true,
  inputs: { required: { value: socket(ANY) }, optional: { label: string({ default: '' }) } },
  outputs: [],
  run(ctx, { value, label }) {
    count(ctx.nodeId);
    const text = typeof value === 'object' && value !== null && 'dims' in value ? `tensor[${(value as ImageBatch).dims.join(',')}]` : String(value);
    return { ui: { text: [label ? `${label}: ${text}` : text] } };
  },
});

/** Emits a list output (OUTPUT_IS_LIST) of `n` integers. */
export const StubList = defineNode({
  type: 'StubList',
  category: 'testing',
  inputs: { required: { n: int({ default: 3, min: 0, max: 100 }) } },
  outputs: [{ type: INT, isList: true }],
  run(ctx, { n }) {
    count(ctx.nodeId);
    return { outputs: [Array.from({ length: n }, (_, i) => i)] };
  },
});

/** A node with every widget kind, for validation and object_info tests. */
export const StubWidgets = defineNode({
  type: 'StubWidgets',
  category: 'testing/widgets',
  displayName: 'Stub Widgets',
  inputs: {
    required: {
      seed: int({ default: 0, min: 0, max: 0xffffffffffffffffn, controlAfterGenerate: true, big: true }),
      steps: int({ default: 20, min: 1, max: 100 }),
      cfg: float({ default: 8, min: 0, max: 100, step: 0.1, round: 0.01 }),
      text: string({ default: '', multiline: true }),
      flag: boolean({ default: true }),
      mode: combo(['a', 'b', 'c'], { default: 'a' }),
    },
    optional: { image: socket(IMAGE) },
  },
  outputs: [{ type: STRING, name: 'summary' }],
  run(ctx, inputs) {
    count(ctx.nodeId);
    return { outputs: [`${inputs.seed}|${inputs.steps}|${inputs.cfg}|${inputs.text}|${inputs.flag}|${inputs.mode}`] };
  },
});

export { InterruptedError };

/** The whole stub pack. */
export const stubNodes: AnyNodeDefinition[] = [StubImage, CountCalls, StubAdd, Sleep, Fail, StubOutput, StubList, StubWidgets];
