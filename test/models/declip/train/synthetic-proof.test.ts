/**
 * The proof on synthetic data: embeddings of a `synth` set from a tiny CLIP, projectors trained with a fixed seed,
 * held-out retrieval compared with the zero-init (vanilla CLIP) baseline.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionPool } from '../../../../models/onnx/session-pool.js';
import { embedDataset, type EmbeddedDataset } from '../../../../models/declip/train/embedding-cache.js';
import { trainProjectors, type TrainResult } from '../../../../models/declip/train/trainer.js';
import { writeSynthSet, writeTestClip } from './fixtures.js';

describe('trainProjectors on a synth set with a tiny CLIP', () => {
  let dir: string;
  let pool: SessionPool;
  let embedded: EmbeddedDataset;
  let trained: TrainResult;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-'));
    pool = new SessionPool({ device: 'cpu' });
    const clip = writeTestClip(path.join(dir, 'clip', 'tiny-clip-64'));
    const synth = await writeSynthSet(path.join(dir, 'synth'), 400);
    embedded = await embedDataset({ dataFile: synth.dataFile, clip, pool, cacheDir: path.join(dir, 'cache'), views: 2 });
    // Test-sized settings (the CLI keeps the paper's): tiny data needs a larger lr and fewer, smaller batches.
    trained = await trainProjectors({
      data: embedded.set, pool, graphDir: path.join(dir, 'graphs'),
      config: { hiddenDim: 256, lr: 3e-3, batchSize: 64, epochs: 30, valFraction: 0.2, seed: 1 },
    });
  }, 120_000);
  afterAll(async () => {
    await pool.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('embeds every synth row, K views each', () => {
    expect(embedded.set.count).toBe(400);
    expect(embedded.problems).toEqual([]);
    expect(embedded.set.image.length).toBe(400 * 2 * 64);
  });

  it('beats the zero-init baseline on held-out semantic retrieval by a clear margin', () => {
    const { baseline, history } = trained.record;
    const last = history.at(-1)!.val!;
    expect(last.semantic.r1).toBeGreaterThan(baseline!.semantic.r1 + 0.05);
    expect(last.semantic.r5).toBeGreaterThan(baseline!.semantic.r5 + 0.1);
  });

  it('lowers the held-out perceptual InfoNCE below the zero-init baseline', () => {
    const { baseline, history } = trained.record;
    expect(history.at(-1)!.val!.perceptual.loss).toBeLessThan(baseline!.perceptual.loss - 0.05);
  });

  // Not reached yet with the tiny random CLIP: its image embedding carries no blur information (a linear probe on
  // it predicts blur sigma at r ≈ 0 for every tiny config tried), so the perceptual head cannot learn blur. See the
  // issue's closing note.
  it.todo('beats the zero-init baseline on held-out perceptual retrieval by a clear margin');
  it.todo('orders held-out images by blur better than vanilla CLIP with the perceptual head (SRCC)');
});
