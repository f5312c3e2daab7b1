/** embedDataset: bad rows reported and skipped, embeddings cached and reused, the cache keyed by data and views. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionPool } from '../../../../models/onnx/session-pool.js';
import type { ClipManifest } from '../../../../models/store/manifests.js';
import { embedDataset } from '../../../../models/declip/train/embedding-cache.js';
import { writeSynthSet, writeTestClip } from './fixtures.js';

describe('embedDataset', () => {
  let dir: string;
  let pool: SessionPool;
  let clip: ClipManifest;
  let dataFile: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-'));
    pool = new SessionPool({ device: 'cpu' });
    clip = writeTestClip(path.join(dir, 'clip'));
    const synth = await writeSynthSet(path.join(dir, 'set'), 6);
    dataFile = synth.dataFile;
    // Row 8: a missing image; row 9: a file that is not an image; row 10: empty perceptual text.
    fs.writeFileSync(path.join(dir, 'set', 'images', 'broken.jpg'), 'not a jpeg');
    fs.appendFileSync(dataFile, 'images/missing.jpg,sharp,a photo\nimages/broken.jpg,sharp,a photo\nimages/img_00000.jpg,,a photo\n');
  }, 60_000);
  afterAll(async () => {
    await pool.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('embeds the good rows, reports every bad one by row, then serves the same numbers from the cache', async () => {
    const cacheDir = path.join(dir, 'cache');
    const first = await embedDataset({ dataFile, clip, pool, cacheDir, views: 3 });
    expect(first.fromCache).toBe(false);
    expect(first.records).toBe(9);
    expect(first.rows).toEqual([2, 3, 4, 5, 6, 7]);
    expect(first.problems.map((p) => [p.row, p.code])).toEqual([[8, 'missing_image'], [9, 'undecodable_image'], [10, 'empty_text']]);
    expect(first.set).toMatchObject({ count: 6, views: 3, dim: 64 });
    // Crops differ from the whole-image view.
    const d = 64;
    expect(first.set.image.subarray(0, d)).not.toEqual(first.set.image.subarray(d, 2 * d));

    const second = await embedDataset({ dataFile, clip, pool, cacheDir, views: 3 });
    expect(second.fromCache).toBe(true);
    expect(second.cacheFile).toBe(first.cacheFile);
    expect(second.set.image).toEqual(first.set.image);
    expect(second.set.perceptual).toEqual(first.set.perceptual);
    expect(second.problems).toEqual(first.problems);

    const otherViews = await embedDataset({ dataFile, clip, pool, cacheDir, views: 2 });
    expect(otherViews.cacheFile).not.toBe(first.cacheFile);
    // View 0 does not depend on K.
    expect(otherViews.set.image.subarray(0, d)).toEqual(first.set.image.subarray(0, d));
  }, 60_000);
});
