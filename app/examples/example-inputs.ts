/**
 * The input images the shipped example workflows (`workflows/*.json`) load: `example.png`, a painted photo-like
 * scene, and `example-degraded.png`, the same scene blurred, darkened, noisy and JPEG-compressed (so the IQA
 * examples have a clearly worse image to compare). `perceptgraph setup` (run by `npm install`) and every runtime
 * start write them into the data dir's `input/` when missing; a user's own file of the same name is never
 * overwritten.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { createRng } from '../../models/onnx-builder/prng.js';
import { writeFileAtomic } from '../../models/tiny/write-file.js';
import { paintSyntheticScene, type RgbImage } from './synthetic-scene.js';

/** File names (in the input folder) of the example inputs; the workflows' LoadImage widgets use these names. */
export const EXAMPLE_INPUTS = { clean: 'example.png', degraded: 'example-degraded.png' } as const;

/** Size of the painted scene: 4:3, small enough for the tiny models to run every example in seconds. */
const WIDTH = 320;
const HEIGHT = 240;

const png = (img: RgbImage) => sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).png();

/** The degraded copy: Gaussian blur (σ 1.6), contrast and brightness down, sensor noise, then JPEG quality 12. */
async function degrade(img: RgbImage): Promise<Buffer> {
  const blurred = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).blur(1.6).raw().toBuffer();
  const rng = createRng(7);
  const out = new Uint8Array(blurred.length);
  for (let i = 0; i < blurred.length; i++) {
    const v = (blurred[i]! - 128) * 0.75 + 128 - 18 + rng.normal() * 10;
    out[i] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
  }
  const jpeg = await sharp(out, { raw: { width: img.width, height: img.height, channels: 3 } }).jpeg({ quality: 12 }).toBuffer();
  return sharp(jpeg).png().toBuffer();
}

/** What {@link ensureExampleInputs} did. */
export interface ExampleInputsResult {
  /** Absolute paths of the files written by this call (empty when all were present). */
  readonly written: string[];
}

/** Writes the example inputs into `inputDir` where missing; idempotent, about 100 ms when it writes. */
export async function ensureExampleInputs(inputDir: string): Promise<ExampleInputsResult> {
  const clean = path.join(inputDir, EXAMPLE_INPUTS.clean);
  const degraded = path.join(inputDir, EXAMPLE_INPUTS.degraded);
  const written: string[] = [];
  if (existsSync(clean) && existsSync(degraded)) return { written };
  const scene = paintSyntheticScene(WIDTH, HEIGHT);
  if (!existsSync(clean)) written.push(writeFileAtomic(clean, await png(scene).toBuffer()));
  if (!existsSync(degraded)) written.push(writeFileAtomic(degraded, await degrade(scene)));
  return { written };
}
