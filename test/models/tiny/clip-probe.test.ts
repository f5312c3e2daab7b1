import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, randomScene, renderDegraded } from '../../../models/i2t/synth-render.js';
import { spearman } from '../../../models/metrics/correlation.js';
import { buildClipVision } from '../../../models/clip/graphs.js';
import { CLIP_MEAN, CLIP_STD } from '../../../models/tiny/clip-folder.js';
import { buildProbeClipVision, PROBE_VISION_CONFIG as C, writeProbeClipFolder, probeTextConfig } from '../../../models/tiny/clip-probe.js';
import { readClip } from '../../../models/store/clip-layout.js';
import { buildTinyVocab } from '../../../models/tiny/vocab.js';
import { f32, maxDiff, runOut, session } from './ort-helpers.js';

const S = C.imageSize;
const BLURS = [0, 1.2, 2.4, 4];
const SCENES = 16;

/** pixel_values [SCENES·4,3,S,S]: each scene at every blur sigma, CLIP-normalised. */
async function blurSweepPixels(): Promise<Float32Array> {
  const rng = createRng(3);
  const out = new Float32Array(SCENES * BLURS.length * 3 * S * S);
  let k = 0;
  for (let i = 0; i < SCENES; i++) {
    const scene = randomScene(rng);
    for (const blurSigma of BLURS) {
      const png = await renderDegraded(scene, { blurSigma, noiseStd: 0, brightness: 0, contrast: 1, jpegQuality: null }, { size: S, noiseSeed: i });
      const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      for (let c = 0; c < 3; c++) for (let p = 0; p < S * S; p++) out[k * 3 * S * S + c * S * S + p] = (data[p * 3 + c]! / 255 - CLIP_MEAN[c]!) / CLIP_STD[c]!;
      k++;
    }
  }
  return out;
}

/**
 * How well blur is readable from embeddings [SCENES·4, P]: the mean (most − least blurred) difference of the even
 * scenes is the read-out direction; returned is the mean over the odd scenes of the SRCC of their four
 * projections on it against blur sigma (within a scene, so content does not enter).
 */
function blurReadout(emb: Float32Array, p: number): number {
  const row = (scene: number, level: number) => emb.subarray((scene * BLURS.length + level) * p, (scene * BLURS.length + level + 1) * p);
  const dir = new Float64Array(p);
  for (let s = 0; s < SCENES; s += 2) for (let j = 0; j < p; j++) dir[j] += row(s, BLURS.length - 1)[j]! - row(s, 0)[j]!;
  let sum = 0;
  for (let s = 1; s < SCENES; s += 2) {
    const proj = BLURS.map((_, l) => row(s, l).reduce((acc, v, j) => acc + v * dir[j]!, 0));
    sum += spearman(proj, BLURS);
  }
  return sum / (SCENES / 2);
}

describe('buildProbeClipVision', () => {
  let pixels: Float32Array;
  const n = SCENES * BLURS.length;

  beforeAll(async () => {
    pixels = await blurSweepPixels();
  });

  it('maps pixel_values [B,3,S,S] to image_embeds [B,P], the same for the same seed and not for another', async () => {
    const feeds = { pixel_values: f32(pixels.subarray(0, 2 * 3 * S * S), [2, 3, S, S]) };
    const a = await runOut(await session(buildProbeClipVision(C, 1)), feeds, 'image_embeds');
    const b = await runOut(await session(buildProbeClipVision(C, 1)), feeds, 'image_embeds');
    const c = await runOut(await session(buildProbeClipVision(C, 2)), feeds, 'image_embeds');
    expect(a.length).toBe(2 * C.projectionDim);
    expect(a.every(Number.isFinite)).toBe(true);
    expect(Buffer.from(buildProbeClipVision(C, 1)).equals(Buffer.from(buildProbeClipVision(C, 1)))).toBe(true);
    expect(maxDiff(a, b)).toBeLessThan(1e-6);
    expect(maxDiff(a, c)).toBeGreaterThan(1e-3);
  });

  it('keeps blur readable in the embedding, unlike the default tiny ViT of the same size', async () => {
    const feeds = { pixel_values: f32(pixels, [n, 3, S, S]) };
    const probe = blurReadout(await runOut(await session(buildProbeClipVision(C, 1)), feeds, 'image_embeds'), C.projectionDim);
    const plain = blurReadout(await runOut(await session(buildClipVision(C, 1)), feeds, 'image_embeds'), C.projectionDim);
    expect(probe).toBeGreaterThan(0.8);
    expect(probe).toBeGreaterThan(plain + 0.2);
  });

  it('rejects an even energy kernel and an image size that is no multiple of the patch', () => {
    expect(() => buildProbeClipVision({ ...C, energyKernel: 4 }, 1)).toThrow(/energyKernel must be odd, got 4/);
    expect(() => buildProbeClipVision({ ...C, imageSize: 60 }, 1)).toThrow(/imageSize 60 is not a multiple of patchSize 8/);
  });
});

describe('writeProbeClipFolder', () => {
  it('writes a split-layout CLIP folder that the CLIP folder reader accepts', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-'));
    try {
      const vocab = buildTinyVocab();
      writeProbeClipFolder(dir, { config: { vision: C, text: probeTextConfig(vocab.size), logitScale: 100 }, vocab, seed: 1 });
      for (const f of ['vision_model.onnx', 'text_model.onnx', 'config.json', 'preprocessor_config.json']) expect(existsSync(path.join(dir, f))).toBe(true);
      const entry = readClip(dir, 'probe');
      expect(entry.ok).toBe(true);
      expect(() => writeProbeClipFolder(dir, { config: { vision: C, text: probeTextConfig(5), logitScale: 100 }, vocab, seed: 1 })).toThrow(/vocabSize 5/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
