import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DataDirs } from '../../../server/data-dir.js';
import { imageBatchNode } from '../../../nodes/core/image-batch.js';
import type { ImageBatch } from '../../../models/tensors.js';
import { patternImage } from '../../models/image/fixtures.js';
import { nodeContext, tempDataDirs } from '../../support/node-context.js';

let dirs: DataDirs;
let cleanup: () => void;
beforeEach(() => ({ dirs, cleanup } = tempDataDirs()));
afterEach(() => cleanup());

const batch = async (image1: ImageBatch, image2: ImageBatch) => (await imageBatchNode.run(nodeContext({ dirs }), { image1, image2 })).outputs![0] as ImageBatch;

describe('ImageBatch', () => {
  it('concatenates same-size batches without touching the pixels', async () => {
    const a = patternImage(2, 3, 4);
    const b = patternImage(1, 3, 4);
    const out = await batch(a, b);
    expect(out.dims).toEqual([3, 3, 4, 3]);
    expect(out.data.subarray(0, a.data.length)).toEqual(a.data);
    expect(out.data.subarray(a.data.length)).toEqual(b.data);
  });

  it("resizes image2 to image1's size first", async () => {
    const out = await batch(patternImage(1, 3, 4), patternImage(2, 10, 7));
    expect(out.dims).toEqual([3, 3, 4, 3]);
  });
});
