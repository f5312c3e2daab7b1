import { describe, expect, it } from 'vitest';
import { objectInfo } from '../../../server/engine/object-info.js';
import { NodeRegistry } from '../../../server/engine/registry.js';
import { accepts } from '../../../server/engine/type-compat.js';
import { defineNode } from '../../../server/engine/node-definition.js';
import { packLabelOf } from '../../../server/protocol/object-info.js';
import { stubNodes, StubWidgets } from '../../support/stub-nodes.js';

describe('objectInfo', () => {
  it('publishes ComfyUI’s exact schema', () => {
    const info = objectInfo(new NodeRegistry(stubNodes));
    expect(info.StubWidgets).toEqual({
      input: {
        required: {
          seed: ['INT', { default: 0, min: 0, max: 0xffffffffffffffffn, control_after_generate: true }],
          steps: ['INT', { default: 20, min: 1, max: 100 }],
          cfg: ['FLOAT', { default: 8, min: 0, max: 100, step: 0.1, round: 0.01 }],
          text: ['STRING', { default: '', multiline: true }],
          flag: ['BOOLEAN', { default: true }],
          mode: [['a', 'b', 'c'], { default: 'a' }],
        },
        optional: { image: ['IMAGE', {}] },
      },
      input_order: { required: ['seed', 'steps', 'cfg', 'text', 'flag', 'mode'], optional: ['image'] },
      output: ['STRING'],
      output_is_list: [false],
      output_name: ['summary'],
      name: 'StubWidgets',
      display_name: 'Stub Widgets',
      description: '',
      python_module: 'nodes',
      category: 'testing/widgets',
      output_node: false,
    });
    expect(info.StubOutput!.output_node).toBe(true);
    expect(info.StubList!.output_is_list).toEqual([true]);
  });

  it('skips a node whose description throws instead of failing', () => {
    const broken = defineNode({
      type: 'Broken',
      category: 'x',
      inputs: { required: { pick: (() => { const c = { ...StubWidgets.inputs.required.mode, choices: () => { throw new Error('store offline'); } }; return c; })() } },
      outputs: [],
      run: () => ({}),
    });
    const errors: string[] = [];
    const info = objectInfo(new NodeRegistry([...stubNodes, broken]), (t) => errors.push(t));
    expect(info.Broken).toBeUndefined();
    expect(errors).toEqual(['Broken']);
  });

  it('reports a third-party pack as python_module custom_nodes.<pack>, as ComfyUI\'s frontend reads it', () => {
    const fromPack = defineNode({ type: 'PackNode', category: 'x', pack: 'my-pack', inputs: {}, outputs: [], run: () => ({}) });
    const info = objectInfo(new NodeRegistry([...stubNodes, fromPack]));
    expect(info.PackNode!.python_module).toBe('custom_nodes.my-pack');
    expect(packLabelOf(info.PackNode!.python_module)).toBe('my-pack');
    expect(packLabelOf(info.StubImage!.python_module)).toBe('perceptgraph');
    expect(packLabelOf('custom_nodes.other.sub')).toBe('other');
  });

  it('throws on duplicate node types', () => {
    expect(() => new NodeRegistry([...stubNodes, stubNodes[0]!])).toThrow(/duplicate node type "StubImage"/);
  });
});

describe('accepts', () => {
  const table: [string, string, boolean][] = [
    ['IMAGE', 'IMAGE', true],
    ['IMAGE', 'LATENT', false],
    ['*', 'LATENT', true],
    ['IMAGE', '*', true],
    ['INT,FLOAT', 'FLOAT', true],
    ['INT', 'FLOAT,STRING', false],
  ];
  it.each(table)('%s → %s is %s', (received, expected, ok) => expect(accepts(received, expected)).toBe(ok));
});
