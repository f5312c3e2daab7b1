/** IPAdapter_plus's combine_embeds on [N, d] image embeddings, and its tensor_to_size. */
import { describe, expect, it } from 'vitest';
import { combineEmbeds, rowsToSize } from '../../../models/ip-adapter/combine-embeds.js';

const e = { data: Float32Array.of(1, 2, 3, -4, 5, 0), dims: [3, 2] };

describe('combineEmbeds', () => {
  it('keeps the rows for concat and a single image', () => {
    expect(combineEmbeds(e, 'concat')).toBe(e);
    const one = { data: Float32Array.of(1, 2), dims: [1, 2] };
    expect(combineEmbeds(one, 'subtract')).toBe(one);
  });

  it('adds, subtracts the mean of the rest, averages, and norm-averages per feature over the batch', () => {
    expect(Array.from(combineEmbeds(e, 'add').data)).toEqual([9, -2].map((v) => expect.closeTo(v, 5)));
    expect(Array.from(combineEmbeds(e, 'subtract').data)).toEqual([1 - 4, 2 - (-2)].map((v) => expect.closeTo(v, 5)));
    expect(Array.from(combineEmbeds(e, 'average').data)).toEqual([3, -2 / 3].map((v) => expect.closeTo(v, 5)));
    const n0 = Math.sqrt(1 + 9 + 25);
    const n1 = Math.sqrt(4 + 16);
    expect(Array.from(combineEmbeds(e, 'norm average').data)).toEqual([(1 + 3 + 5) / n0 / 3, (2 - 4) / n1 / 3].map((v) => expect.closeTo(v, 5)));
    expect(combineEmbeds(e, 'average').dims).toEqual([1, 2]);
  });
});

describe('rowsToSize', () => {
  it('truncates or repeats the last row', () => {
    expect(Array.from(rowsToSize(e, 1).data)).toEqual([1, 2]);
    expect(Array.from(rowsToSize({ data: Float32Array.of(1, 2), dims: [1, 2] }, 3).data)).toEqual([1, 2, 1, 2, 1, 2]);
  });
});
