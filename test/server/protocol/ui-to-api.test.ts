import { describe, expect, it } from 'vitest';
import { mapWidgetValues, typesCompatible, uiToApi, widgetSlots, type ObjectInfo } from '../../../server/protocol/ui-to-api.js';
import { detectWorkflowFormat, parseUiWorkflow, type UiWorkflow } from '../../../server/protocol/ui-workflow.js';

const objectInfo: ObjectInfo = {
  MakeImage: {
    input: {
      required: {
        seed: ['INT', { default: 0, min: 0, max: 100, control_after_generate: true }],
        width: ['INT', { default: 64 }],
        mode: [['flat', 'noise'], {}],
      },
      optional: { tint: ['FLOAT', { default: 0.5 }] },
    },
    input_order: { required: ['seed', 'width', 'mode'], optional: ['tint'] },
    output: ['IMAGE'],
    display_name: 'Make Image',
  },
  Blur: {
    input: { required: { image: ['IMAGE'], radius: ['FLOAT', { default: 1 }] } },
    input_order: { required: ['image', 'radius'] },
    output: ['IMAGE'],
  },
  Save: {
    input: {
      required: { images: ['IMAGE'], prefix: ['STRING', { default: 'x' }], count: ['INT', { forceInput: true }] },
      hidden: { prompt: 'PROMPT' },
    },
    input_order: { required: ['images', 'prefix', 'count'], hidden: ['prompt'] },
    output: [],
    output_node: true,
  },
  LoadImage: {
    input: { required: { image: [['a.png', 'b.png'], { image_upload: true }], keep: ['BOOLEAN', { default: true }] } },
    input_order: { required: ['image', 'keep'] },
    output: ['IMAGE', 'MASK'],
  },
};

/** make(1) → reroute(2) → blur(3, bypassed) → save(4); prim(5) → save.prefix; note(6); muted blur(7) → save.count. */
function workflow(): UiWorkflow {
  return {
    version: 0.4,
    nodes: [
      { id: 1, type: 'MakeImage', mode: 0, widgets_values: [42, 'randomize', 128, 'noise', 0.25], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [1] }] },
      { id: 2, type: 'Reroute', mode: 0, inputs: [{ name: '', type: '*', link: 1 }], outputs: [{ type: 'IMAGE', links: [2] }] },
      { id: 3, type: 'Blur', mode: 4, inputs: [{ name: 'image', type: 'IMAGE', link: 2 }], outputs: [{ type: 'IMAGE', links: [3] }], widgets_values: [2] },
      {
        id: 4, type: 'Save', mode: 0, title: 'My Save',
        inputs: [
          { name: 'images', type: 'IMAGE', link: 3 },
          { name: 'prefix', type: 'STRING', link: 4, widget: { name: 'prefix' } },
          { name: 'count', type: 'INT', link: 5 },
        ],
        widgets_values: ['ignored-because-linked'],
      },
      { id: 5, type: 'PrimitiveNode', mode: 0, outputs: [{ type: 'STRING', links: [4] }], widgets_values: ['from-primitive', 'fixed'] },
      { id: 6, type: 'Note', mode: 0, widgets_values: ['hello'] },
      { id: 7, type: 'Blur', mode: 2, inputs: [{ name: 'image', type: 'IMAGE', link: null }], outputs: [{ type: 'IMAGE', links: [5] }], widgets_values: [1] },
    ],
    links: [
      [1, 1, 0, 2, 0, 'IMAGE'],
      [2, 2, 0, 3, 0, 'IMAGE'],
      [3, 3, 0, 4, 0, 'IMAGE'],
      [4, 5, 0, 4, 1, 'STRING'],
      [5, 7, 0, 4, 2, 'INT'],
    ],
  };
}

describe('widgetSlots', () => {
  it('lists widget inputs in input_order and flags control and upload values', () => {
    expect(widgetSlots(objectInfo.MakeImage!).map((s) => [s.name, s.kind, s.control])).toEqual([
      ['seed', 'INT', true], ['width', 'INT', false], ['mode', 'COMBO', false], ['tint', 'FLOAT', false],
    ]);
    expect(widgetSlots(objectInfo.Save!).map((s) => s.name)).toEqual(['prefix']);
    expect(widgetSlots(objectInfo.LoadImage!)[0]).toMatchObject({ name: 'image', upload: true, choices: ['a.png', 'b.png'] });
  });
});

describe('mapWidgetValues', () => {
  it('skips the control value after a control_after_generate INT', () => {
    expect(mapWidgetValues(workflow().nodes[0]!, objectInfo.MakeImage!)).toEqual({ seed: 42, width: 128, mode: 'noise', tint: 0.25 });
  });
  it('skips the upload button value after an image_upload combo', () => {
    expect(mapWidgetValues({ id: 1, type: 'LoadImage', widgets_values: ['b.png', 'image', false] }, objectInfo.LoadImage!)).toEqual({ image: 'b.png', keep: false });
  });
  it('accepts widgets_values keyed by name', () => {
    expect(mapWidgetValues({ id: 1, type: 'Blur', widgets_values: { radius: 3, other: 1 } }, objectInfo.Blur!)).toEqual({ radius: 3 });
  });
  it('treats linked widget inputs as absent when the array is short by exactly them', () => {
    const node = { id: 1, type: 'MakeImage', inputs: [{ name: 'width', type: 'INT', link: 9, widget: { name: 'width' } }], widgets_values: [1, 'fixed', 'flat', 0.1] };
    expect(mapWidgetValues(node, objectInfo.MakeImage!)).toEqual({ seed: 1, mode: 'flat', tint: 0.1 });
  });
});

describe('typesCompatible', () => {
  it.each([
    ['IMAGE', 'IMAGE', true], ['IMAGE', 'MASK', false], ['*', 'MASK', true], ['IMAGE', '*', true],
    ['INT', 'FLOAT,INT', true], ['FLOAT,INT', 'INT', true], ['STRING', 'FLOAT,INT', false],
  ])('%s → %s is %s', (a, b, ok) => expect(typesCompatible(a, b)).toBe(ok));
});

describe('uiToApi', () => {
  it('converts widgets, reroutes, primitives, bypass, mute and titles', () => {
    expect(uiToApi(workflow(), objectInfo)).toEqual({
      '1': { class_type: 'MakeImage', inputs: { seed: 42, width: 128, mode: 'noise', tint: 0.25 }, _meta: { title: 'Make Image' } },
      '4': { class_type: 'Save', inputs: { images: ['1', 0], prefix: 'from-primitive' }, _meta: { title: 'My Save' } },
    });
  });

  it('gives the same prompt for schema 1 link objects', () => {
    const wf = workflow();
    const v1 = { ...wf, version: 1, links: wf.links!.map((l) => {
      const [id, origin_id, origin_slot, target_id, target_slot, type] = l as unknown[];
      return { id, origin_id, origin_slot, target_id, target_slot, type };
    }) };
    expect(uiToApi(v1, objectInfo)).toEqual(uiToApi(wf, objectInfo));
  });

  it('keeps the bypassed node when it is active and wraps list values', () => {
    const wf = workflow();
    wf.nodes[2]!.mode = 0;
    wf.nodes[2]!.widgets_values = [[1, 2]];
    const prompt = uiToApi(wf, objectInfo);
    expect(prompt['3']).toEqual({ class_type: 'Blur', inputs: { image: ['1', 0], radius: { __value__: [1, 2] } }, _meta: { title: 'Blur' } });
    expect(prompt['4']!.inputs!.images).toEqual(['3', 0]);
  });

  it('drops an input whose bypassed source has no input of matching type', () => {
    const wf = workflow();
    wf.nodes[2]!.inputs = [{ name: 'image', type: 'MASK', link: 2 }];
    expect(uiToApi(wf, objectInfo)['4']!.inputs).toEqual({ prefix: 'from-primitive' });
  });

  it('keeps nodes of unknown type with their links so the server can name them', () => {
    const wf = workflow();
    wf.nodes[0]!.type = 'Mystery';
    expect(uiToApi(wf, objectInfo)['1']).toEqual({ class_type: 'Mystery', inputs: {}, _meta: { title: 'Mystery' } });
  });

  it('rejects something that is not a UI workflow, naming the path', () => {
    expect(() => uiToApi({ nodes: [{ id: 1 }] }, objectInfo)).toThrow(/nodes\.0\.type/);
  });
});

describe('parseUiWorkflow / detectWorkflowFormat', () => {
  it('keeps unknown keys through parsing', () => {
    const parsed = parseUiWorkflow({ ...workflow(), extra: { ds: { scale: 2 } }, custom: 1 });
    expect(parsed.ok && (parsed.workflow as Record<string, unknown>).custom).toBe(1);
  });
  it('tells UI from API format', () => {
    expect(detectWorkflowFormat(workflow())).toBe('ui');
    expect(detectWorkflowFormat({ '1': { class_type: 'Save', inputs: {} } })).toBe('api');
    expect(detectWorkflowFormat([1])).toBe('unknown');
  });
});
