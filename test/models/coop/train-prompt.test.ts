/**
 * trainPrompt end to end on a tiny CLIP `.safetensors` with synthetic image embeddings whose MOS lies along one
 * direction: it learns (loss falls, train SRCC beats the hand-written pair), is deterministic for a seed, resumes
 * from its state file to the same result as an uninterrupted run, and refuses what it cannot train.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { learnedPromptSchema } from '../../../models/coop/learned-prompt.js';
import { PromptModelError, textTowerSourceOf, trainPrompt, type PromptTrainingOptions } from '../../../models/coop/train-prompt.js';
import { createRng } from '../../../models/onnx-builder/prng.js';
import { SessionPool } from '../../../models/onnx/session-pool.js';
import type { ClipTokenizer } from '../../../models/tokenizers/clip-bpe.js';
import { QUALITY_PROMPTS } from '../../../models/iqa/prompts.js';
import { writeTestClip } from '../declip/train/fixtures.js';
import { tinyTokenizer, writeTinyClipWeights } from './fixtures.js';

const P = 32;
const N = 96;
let root: string;
let pool: SessionPool;
let tokenizer: ClipTokenizer;
let base: Omit<PromptTrainingOptions, 'config'>;

/** Embeddings = noise + MOS · a fixed direction, so a prompt pair can learn to point along it. */
function syntheticData(seed: number) {
  const rng = createRng(seed);
  const dir = Float32Array.from({ length: P }, () => rng.normal());
  const mos = Array.from({ length: N }, () => 1 + 4 * rng.uniform());
  const images = new Float32Array(N * P);
  for (let i = 0; i < N; i++) for (let j = 0; j < P; j++) images[i * P + j] = rng.normal() + 0.6 * (mos[i]! - 3) * dir[j]!;
  return { images, dim: P, mos, mosRange: [1, 5] as const };
}

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pg-coop-train-'));
  pool = new SessionPool({ device: 'cpu' });
  tokenizer = await tinyTokenizer(root);
  const w = writeTinyClipWeights({ dir: path.join(root, 'weights'), layout: 'hf', activation: 'quick_gelu', layers: 2, embedDim: P });
  base = { tower: { ...w, name: 'tiny-hf' }, tokenizer, pair: QUALITY_PROMPTS.technical, data: syntheticData(4), pool, cacheDir: path.join(root, 'cache') };
});
afterAll(async () => {
  await pool?.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('trainPrompt', () => {
  it('learns: the loss falls and train SRCC beats the hand-written pair', async () => {
    const epochs: number[] = [];
    const p = await trainPrompt({ ...base, config: { epochs: 8, batchSize: 16, lr: 1e-2, contextLength: 4, logitScale: 20, valFraction: 0.25 }, onEpoch: (r) => epochs.push(r.epoch) });
    expect(learnedPromptSchema.safeParse(p).success).toBe(true);
    expect(epochs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(p.context.dims).toEqual([1, 4, 64]);
    expect(p.model).toMatchObject({ source: 'tiny-hf', layout: 'hf', width: 64, layers: 2, projectionDim: P });
    const h = p.metrics.history;
    expect(h.at(-1)!.trainLoss!).toBeLessThan(h[0]!.trainLoss! * 0.8);
    expect(p.metrics.train.srcc!).toBeGreaterThan(0.8);
    expect(p.metrics.train.srcc!).toBeGreaterThan(p.metrics.baseline.train.srcc! + 0.1);
    expect(p.metrics.val!.n).toBe(24);
    expect(p.metrics.val!.srcc!).toBeGreaterThan(0.6);
  });

  it('is deterministic for a seed, per-class and with the fidelity loss too', async () => {
    const config = { epochs: 2, batchSize: 16, contextLength: 3, contextMode: 'per-class', loss: 'fidelity', seed: 9 } as const;
    const a = await trainPrompt({ ...base, config });
    const b = await trainPrompt({ ...base, config });
    expect(a.context.dims).toEqual([2, 3, 64]);
    expect(Array.from(b.context.data)).toEqual(Array.from(a.context.data));
    expect(a.metrics.history.every((r) => Number.isFinite(r.trainLoss))).toBe(true);
    const other = await trainPrompt({ ...base, config: { ...config, seed: 10 } });
    expect(Array.from(other.context.data)).not.toEqual(Array.from(a.context.data));
  });

  it('resumed from its state file, ends with the same context as an uninterrupted run', async () => {
    const config = { epochs: 4, batchSize: 16, contextLength: 4, lr: 5e-3, weightDecay: 0.01, seed: 3 };
    const whole = await trainPrompt({ ...base, config });
    const stateFile = path.join(root, 'state.safetensors');
    const half = await trainPrompt({ ...base, config: { ...config, epochs: 2 }, stateFile });
    expect(half.metrics.history).toHaveLength(2);
    const resumed = await trainPrompt({ ...base, config: { epochs: 4 }, resumeFrom: stateFile });
    expect(resumed.metrics.history.map((r) => r.step)).toEqual(whole.metrics.history.map((r) => r.step));
    expect(Array.from(resumed.context.data)).toEqual(Array.from(whole.context.data));
    expect(resumed.options).toEqual(whole.options);
    await expect(trainPrompt({ ...base, data: syntheticData(5), config: { epochs: 4 }, resumeFrom: stateFile })).rejects.toThrow(/other images or MOS/);
  });

  it('refuses an ONNX-only CLIP by name, and data of another width', async () => {
    const manifest = writeTestClip(path.join(root, 'onnx-clip'));
    expect(() => textTowerSourceOf(manifest)).toThrow(PromptModelError);
    expect(() => textTowerSourceOf(manifest)).toThrow(/CLIP onnx-clip is an ONNX folder .* without its weights/);
    const wrong = { images: new Float32Array(N * 16), dim: 16, mos: base.data.mos };
    await expect(trainPrompt({ ...base, data: wrong, config: { epochs: 1 } })).rejects.toThrow(/d = 16, but the text tower projects to 32/);
  });
});
