/**
 * The typed node contract: socket types carry the TS type of their values, `run` receives inputs typed from the
 * specs and must return outputs of the declared socket types. The `@ts-expect-error` lines are checked by
 * `npm run typecheck` (tsc covers test/): if a wrong output type stopped being an error, typecheck would fail.
 */
import { describe, expect, it } from 'vitest';
import { int, socket } from '../../../server/engine/inputs.js';
import { defineNode } from '../../../server/engine/node-definition.js';
import { objectInfoEntry } from '../../../server/engine/object-info.js';
import { INT, STRING, socketType } from '../../../server/engine/socket-type.js';
import { IMAGE, LATENT } from '../../../nodes/socket-types.js';
import type { ImageBatch, Latent } from '../../../models/tensors.js';

const image: ImageBatch = { data: new Float32Array(3), dims: [1, 1, 1, 3] };
const latent: Latent = { samples: { data: new Float32Array(4), dims: [1, 4, 1, 1] } };

describe('typed node contract', () => {
  it('types run inputs from socket types and accepts outputs of the declared types', async () => {
    const node = defineNode({
      type: 'ContractOk',
      category: 'testing',
      inputs: { required: { image: socket(IMAGE), n: int({ default: 1 }) } },
      outputs: [{ type: IMAGE }, { type: INT, isList: true }, { type: STRING }],
      run: (_ctx, inputs) => {
        const img: ImageBatch = inputs.image;
        return { outputs: [img, [inputs.n, inputs.n + 1], 'ok'] };
      },
    });
    const result = await node.run({} as never, { image, n: 2 });
    expect(result.outputs).toEqual([image, [2, 3], 'ok']);
    expect(objectInfoEntry(node).output).toEqual(['IMAGE', 'INT', 'STRING']);
  });

  it('rejects, at typecheck, outputs of the wrong type, count or list-ness', () => {
    const wrongType = defineNode({
      type: 'ContractWrongType',
      category: 'testing',
      inputs: {},
      outputs: [{ type: IMAGE }],
      // @ts-expect-error a LATENT value in an IMAGE output
      run: () => ({ outputs: [latent] }),
    });
    const wrongCount = defineNode({
      type: 'ContractWrongCount',
      category: 'testing',
      inputs: {},
      outputs: [{ type: IMAGE }, { type: LATENT }],
      // @ts-expect-error one value for two declared outputs
      run: () => ({ outputs: [image] }),
    });
    const notAList = defineNode({
      type: 'ContractNotAList',
      category: 'testing',
      inputs: {},
      outputs: [{ type: INT, isList: true }],
      // @ts-expect-error a list output needs an array
      run: () => ({ outputs: [1] }),
    });
    const wrongInput = defineNode({
      type: 'ContractWrongInput',
      category: 'testing',
      inputs: { required: { latent: socket(LATENT) } },
      outputs: [{ type: IMAGE }],
      // @ts-expect-error a LATENT input is not an IMAGE
      run: (_ctx, { latent: l }) => ({ outputs: [l] }),
    });
    expect([wrongType, wrongCount, notAList, wrongInput].map((d) => d.type)).toHaveLength(4);
  });

  it('declares a socket type by its wire name only once', () => {
    expect(IMAGE.name).toBe('IMAGE');
    expect(() => socketType<number>('not a name')).toThrow(/invalid socket type name/);
  });
});
