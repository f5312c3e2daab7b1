/**
 * trainProjectors on synthetic embeddings: image and text spaces are unrelated random codes per class, so vanilla
 * CLIP (the zero-init baseline) retrieves at chance and only a trained projector can map one onto the other.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../../models/onnx-builder/prng.js';
import { SessionPool } from '../../../../models/onnx/session-pool.js';
import { openSafetensors } from '../../../../models/safetensors/read.js';
import type { EmbeddingSet } from '../../../../models/declip/train/embedding-set.js';
import { paramNames } from '../../../../models/declip/train/params.js';
import { readCheckpoint, writeProjectorFile } from '../../../../models/declip/train/projector-file.js';
import { trainProjectors } from '../../../../models/declip/train/trainer.js';

/** N images in `classes` classes per head; view k adds fresh noise (stands in for crops). */
function syntheticSet(o: { n: number; d: number; views: number; seed: number }): EmbeddingSet {
  const rng = createRng(o.seed);
  const code = (rows: number) => Array.from({ length: rows }, () => Float32Array.from({ length: o.d }, () => rng.normal()));
  const imgP = code(5), imgS = code(6), txtP = code(5), txtS = code(6);
  const image = new Float32Array(o.n * o.views * o.d);
  const perceptual = new Float32Array(o.n * o.d);
  const semantic = new Float32Array(o.n * o.d);
  for (let i = 0; i < o.n; i++) {
    const p = i % 5, s = Math.floor(i / 5) % 6;
    for (let k = 0; k < o.views; k++) {
      for (let j = 0; j < o.d; j++) image[(i * o.views + k) * o.d + j] = imgP[p]![j]! + imgS[s]![j]! + 0.3 * rng.normal();
    }
    perceptual.set(txtP[p]!, i * o.d);
    semantic.set(txtS[s]!, i * o.d);
  }
  return { dim: o.d, count: o.n, views: o.views, image, perceptual, semantic, dataHash: `synthetic-${o.seed}`, modelKey: 'synthetic' };
}

describe('trainProjectors', () => {
  let dir: string;
  let pool: SessionPool;
  const data = syntheticSet({ n: 120, d: 16, views: 2, seed: 3 });
  const config = { hiddenDim: 32, lr: 1e-2, batchSize: 32, epochs: 4, seed: 5, valFraction: 0.25 };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-'));
    pool = new SessionPool({ device: 'cpu' });
  });
  afterAll(async () => {
    await pool.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('beats the zero-init baseline on held-out retrieval for both heads and logs every epoch', async () => {
    const epochs: number[] = [];
    const steps: number[] = [];
    const res = await trainProjectors({
      data, pool, graphDir: dir, config: { ...config, epochs: 25 },
      onEpoch: (r) => epochs.push(r.epoch), onStep: (p) => steps.push(p.step),
    });
    const { baseline, history } = res.record;
    const last = history.at(-1)!;
    expect(epochs).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(steps.length).toBe(25 * 3); // 90 training images / 32 → 3 batches
    expect(res.split.val.length).toBe(30);
    for (const head of ['perceptual', 'semantic'] as const) {
      expect(baseline![head].r1).toBeLessThan(0.5);
      expect(last.val![head].r1).toBeGreaterThan(0.9);
      expect(last.val![head].r5).toBeGreaterThanOrEqual(last.val![head].r1);
      expect(last.val![head].loss).toBeLessThan(baseline![head].loss);
    }
    expect(last.trainLoss).toBeLessThan(history[0]!.trainLoss);
  });

  it('resumes from a checkpoint to exactly the parameters of an uninterrupted run', async () => {
    const straight = await trainProjectors({ data, pool, graphDir: dir, config });
    const ckpt = path.join(dir, 'ckpt.safetensors');
    await trainProjectors({ data, pool, graphDir: dir, config: { ...config, epochs: 2 }, checkpointFile: ckpt });
    expect((await readCheckpoint(ckpt)).state.step).toBe(2 * 3);
    const resumed = await trainProjectors({ data, pool, graphDir: dir, config: { epochs: 4 }, resumeFrom: ckpt, checkpointFile: ckpt });
    expect(resumed.record.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    for (const n of paramNames()) expect(resumed.params[n]).toEqual(straight.params[n]);
  });

  it('refuses to resume on other data', async () => {
    const ckpt = path.join(dir, 'ckpt-other.safetensors');
    await trainProjectors({ data, pool, graphDir: dir, config: { ...config, epochs: 1 }, checkpointFile: ckpt });
    const other = { ...data, dataHash: 'other-data' };
    await expect(trainProjectors({ data: other, pool, graphDir: dir, resumeFrom: ckpt })).rejects.toThrow(/other-data|trained on data/);
  });

  it('writes the docs/model-folders.md projector file with the training record in __metadata__', async () => {
    const res = await trainProjectors({ data, pool, graphDir: dir, config: { ...config, epochs: 1 } });
    const file = path.join(dir, 'out.safetensors');
    writeProjectorFile(file, res.params, res.record);
    const f = await openSafetensors(file);
    try {
      expect(f.tensors['perceptual.fc1.weight']!.shape).toEqual([32, 16]);
      expect(f.tensors['semantic.fc1.bias']!.shape).toEqual([32]);
      expect(f.tensors['semantic.fc2.weight']!.shape).toEqual([16, 32]);
      expect(Object.keys(f.tensors).sort()).toEqual(paramNames().sort());
      expect(f.metadata.data_hash).toBe('synthetic-3');
      expect(JSON.parse(f.metadata.training_config!).lr).toBe(1e-2);
      expect(JSON.parse(f.metadata.metrics!).baseline.perceptual.r1).toBeTypeOf('number');
      expect(await f.read('perceptual.fc2.weight')).toEqual(res.params['perceptual.fc2.weight']);
    } finally {
      await f.close();
    }
  });
});
