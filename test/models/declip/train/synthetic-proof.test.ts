/**
 * The proof on synthetic data: embeddings of a `synth` set from a tiny CLIP, projectors trained with a fixed seed,
 * held-out retrieval compared with the zero-init (vanilla CLIP) baseline, and zero-shot blur IQA (eq. 8) compared
 * with vanilla CLIP.
 *
 * Two runs. The semantic proof uses the default tiny ViT on the default synth set. The perceptual proof needs an
 * image encoder that sees blur at all: the default tiny ViT's embedding does not (a linear probe reads blur at
 * r ≈ 0), so it uses the probe CLIP (`models/tiny/clip-probe.ts`, a ViT plus a local-energy descriptor) on the
 * 'controlled' synth set (independent, wider-spaced factor levels, one wording per level combination).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionPool } from '../../../../models/onnx/session-pool.js';
import { openClipEncoders } from '../../../../models/declip/train/clip-encode.js';
import { embedDataset, type EmbeddedDataset } from '../../../../models/declip/train/embedding-cache.js';
import { gatherRows } from '../../../../models/declip/train/embedding-set.js';
import { openTrainSessions } from '../../../../models/declip/train/graph-sessions.js';
import { projectEmbeddings } from '../../../../models/declip/train/session-ops.js';
import { trainProjectors, type TrainResult } from '../../../../models/declip/train/trainer.js';
import { antonymScores } from '../../../../models/declip/zero-shot.js';
import { generateSyntheticI2t, SYNTH_CONTROLLED_FACTORS as LEVELS, type SynthResult } from '../../../../models/i2t/synth.js';
import { createRng, randomScene, renderDegraded, semanticText } from '../../../../models/i2t/synth-render.js';
import { writeI2tDataset } from '../../../../models/i2t/write-dataset.js';
import { spearman } from '../../../../models/metrics/correlation.js';
import { ClipImageProcessor } from '../../../../models/processors/clip-image.js';
import { readClip } from '../../../../models/store/clip-layout.js';
import type { ClipManifest } from '../../../../models/store/manifests.js';
import { ClipTokenizer } from '../../../../models/tokenizers/clip-bpe.js';
import { PROBE_VISION_CONFIG, probeTextConfig, writeProbeClipFolder } from '../../../../models/tiny/clip-probe.js';
import { buildTinyVocab } from '../../../../models/tiny/vocab.js';
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

});

/** The sharpness antonym pair of CLIP-IQA's prompt list (eq. 8's t_pos, t_neg). */
const IQA_PAIR = ['sharp photo.', 'blurry photo.'] as const;

function writeProbeClip(dir: string): ClipManifest {
  const vocab = buildTinyVocab();
  const config = { vision: PROBE_VISION_CONFIG, text: probeTextConfig(vocab.size), logitScale: 100 };
  writeProbeClipFolder(dir, { config, vocab, seed: 1 });
  const entry = readClip(dir, path.basename(dir));
  if (!entry.ok) throw new Error(`probe CLIP folder is broken: ${entry.problems.join('; ')}`);
  return entry.manifest;
}

/**
 * A held-out blur sweep: `scenes` new scenes (their own seed, so none is a training image), each rendered at every
 * blur level of the controlled set with the other factors at their neutral level. Returns the I&2T file and the
 * blur sigma per row.
 */
async function writeBlurSweep(dir: string, scenes: number): Promise<{ dataFile: string; blur: number[] }> {
  const rng = createRng(99);
  const neutral = [LEVELS.noise.phrases[0], LEVELS.brightness.phrases[1], LEVELS.contrast.phrases[1], LEVELS.jpeg.phrases[0]].flat();
  const rows = [];
  const blur: number[] = [];
  for (let i = 0; i < scenes; i++) {
    const scene = randomScene(rng);
    for (const [level, blurSigma] of LEVELS.blur.values.entries()) {
      const imagePath = path.join(dir, `sweep_${i}_${level}.jpg`);
      const degradation = { blurSigma, noiseStd: 0, brightness: 0, contrast: 1, jpegQuality: LEVELS.jpeg.values[0] };
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(imagePath, await renderDegraded(scene, degradation, { size: 64, noiseSeed: i }));
      rows.push({ imagePath, perceptual: [...LEVELS.blur.phrases[level]!, ...neutral].join(', '), semantic: semanticText(scene) });
      blur.push(blurSigma);
    }
  }
  const dataFile = path.join(dir, 'i2t.csv');
  writeI2tDataset(dataFile, rows);
  return { dataFile, blur };
}

describe('trainProjectors on a controlled synth set with the probe CLIP', () => {
  const config = { hiddenDim: 256, lr: 3e-3, batchSize: 64, epochs: 60, valFraction: 0.2, seed: 1 };
  let dir: string;
  let pool: SessionPool;
  let clip: ClipManifest;
  let synth: SynthResult;
  let embedded: EmbeddedDataset;
  let trained: TrainResult;

  /** Eq. 8 scores with IQA_PAIR of raw CLIP embeddings [n,d] and of their perceptual projection. */
  async function blurScores(image: Float32Array): Promise<{ vanilla: number[]; perceptual: number[] }> {
    const d = embedded.set.dim;
    const sessions = await openTrainSessions({ pool, dir: path.join(dir, 'graphs'), embedDim: d, hiddenDim: config.hiddenDim, temperature: 0.07 });
    const projected = await projectEmbeddings({ session: sessions.embed, shape: { embedDim: d, hiddenDim: config.hiddenDim }, params: trained.params, image });
    const tokenizer = await ClipTokenizer.fromDir(clip.tokenizer.dir);
    const encoders = await openClipEncoders({ pool, manifest: clip, tokenizer, processor: new ClipImageProcessor() });
    const texts = await encoders.encodeTexts(IQA_PAIR);
    const score = (data: Float32Array) =>
      antonymScores({ images: { data, dims: [data.length / d, d] }, positive: texts.subarray(0, d), negative: texts.subarray(d) });
    return { vanilla: score(image), perceptual: score(projected.perceptual) };
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-'));
    pool = new SessionPool({ device: 'cpu' });
    clip = writeProbeClip(path.join(dir, 'clip', 'probe-clip-64'));
    synth = await generateSyntheticI2t({ outDir: path.join(dir, 'synth'), n: 600, size: 64, seed: 2, factorSet: 'controlled' });
    // One view: a random-resized crop rescales the image and with it the apparent blur, which would mislabel it.
    embedded = await embedDataset({ dataFile: synth.dataFile, clip, pool, cacheDir: path.join(dir, 'cache'), views: 1 });
    trained = await trainProjectors({ data: embedded.set, pool, graphDir: path.join(dir, 'graphs'), config });
  }, 120_000);
  afterAll(async () => {
    await pool.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('beats the zero-init baseline on held-out perceptual retrieval by a clear margin', () => {
    const { baseline, history } = trained.record;
    const last = history.at(-1)!.val!;
    expect(last.perceptual.r1).toBeGreaterThan(baseline!.perceptual.r1 + 0.05);
    expect(last.perceptual.r5).toBeGreaterThan(baseline!.perceptual.r5 + 0.1);
  });

  it('also beats the baseline on semantic retrieval in the same run (both heads train together)', () => {
    const { baseline, history } = trained.record;
    const last = history.at(-1)!.val!;
    // Measured 0.058 vs 0 (R@1) and 0.208 vs 0.05 (R@5) on 120 held-out images; the bounds leave a few hits of
    // slack for other CPUs' float kernels.
    expect(last.semantic.r1).toBeGreaterThan(baseline!.semantic.r1 + 0.025);
    expect(last.semantic.r5).toBeGreaterThan(baseline!.semantic.r5 + 0.1);
  });

  it('orders a held-out blur sweep by blur better than vanilla CLIP with the perceptual head (SRCC)', async () => {
    const sweep = await writeBlurSweep(path.join(dir, 'sweep'), 30);
    const set = (await embedDataset({ dataFile: sweep.dataFile, clip, pool, cacheDir: path.join(dir, 'cache'), views: 1 })).set;
    const scores = await blurScores(set.image);
    const sharpness = sweep.blur.map((b) => -b);
    const trainedSrcc = spearman(scores.perceptual, sharpness);
    expect(trainedSrcc).toBeGreaterThan(0.4);
    expect(trainedSrcc).toBeGreaterThan(spearman(scores.vanilla, sharpness) + 0.2);
  });

  it('orders the held-out split by blur better than vanilla CLIP with the perceptual head (SRCC)', async () => {
    const val = trained.split.val;
    const image = gatherRows({ data: embedded.set.image, dim: embedded.set.dim, views: 1, indices: val });
    const scores = await blurScores(image);
    // Embedding order is data-file order, which is item order when no row of the synth set is bad.
    expect(embedded.problems).toEqual([]);
    const sharpness = val.map((i) => -synth.items[i]!.blurSigma);
    expect(spearman(scores.perceptual, sharpness)).toBeGreaterThan(spearman(scores.vanilla, sharpness) + 0.1);
  });
});
