/**
 * Issue 3's runtime figure: the ViT-B/32-sized random-weight image encoder at batch 8, fed through the pool with
 * CLIP preprocessing of the next batch overlapped with inference of the current one, against raw `session.run`
 * on ready tensors.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createRawRunner } from '../models/onnx/in-process.js';
import { SessionPool } from '../models/onnx/session-pool.js';
import { ClipImageProcessor } from '../models/processors/clip-image.js';
import { buildClipVision, VIT_B32_CONFIG } from '../models/tiny/clip.js';

export interface ClipPipelineFigures {
  readonly batch: number;
  readonly batches: number;
  /** Images per second through the pool, preprocessing (decode, resize, crop, normalise) included. */
  readonly pipelineImagesPerSec: number;
  /** Images per second of raw `session.run` on ready tensors, same thread. */
  readonly rawImagesPerSec: number;
  readonly ratio: number;
  /** From session creation to the first pool output, ms. */
  readonly firstResultMs: number;
  readonly peakRssBytes: number;
}

async function jpegs(dir: string, n: number): Promise<string[]> {
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const file = path.join(dir, `img${i}.jpg`);
    const raw = Buffer.alloc(640 * 480 * 3, i * 17);
    for (let p = 0; p < raw.length; p += 7) raw[p] = (p * (i + 3)) & 255;
    writeFileSync(file, await sharp(raw, { raw: { width: 640, height: 480, channels: 3 } }).jpeg().toBuffer());
    files.push(file);
  }
  return files;
}

/** Runs `batches` batches of `batch` images each way. */
export async function benchClipPipeline(options: { batch?: number; batches?: number } = {}): Promise<ClipPipelineFigures> {
  const batch = options.batch ?? 8;
  const batches = options.batches ?? 6;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-clip-bench-'));
  const model = path.join(dir, 'vision_model.onnx');
  writeFileSync(model, buildClipVision(VIT_B32_CONFIG.vision, 7));
  const files = await jpegs(dir, batch);
  const processor = new ClipImageProcessor();
  const ready = await processor.preprocess(files);

  const raw = await createRawRunner(model, { pixel_values: ready });
  await raw.run();
  let t = performance.now();
  for (let i = 0; i < batches; i++) await raw.run();
  const rawSeconds = (performance.now() - t) / 1000;
  await raw.release();

  const pool = new SessionPool({ device: 'cpu', log: () => {} });
  try {
    t = performance.now();
    const session = await pool.get(model);
    await session.run({ pixel_values: await processor.preprocess(files) });
    const firstResultMs = performance.now() - t;
    t = performance.now();
    let next = processor.preprocess(files);
    for (let i = 0; i < batches; i++) {
      const pixels = await next;
      const running = session.run({ pixel_values: pixels }, { transferInputs: true });
      if (i + 1 < batches) next = processor.preprocess(files); // overlaps with the run in the worker
      await running;
    }
    const pipelineSeconds = (performance.now() - t) / 1000;
    const pipelineImagesPerSec = (batch * batches) / pipelineSeconds;
    const rawImagesPerSec = (batch * batches) / rawSeconds;
    return {
      batch,
      batches,
      pipelineImagesPerSec,
      rawImagesPerSec,
      ratio: pipelineImagesPerSec / rawImagesPerSec,
      firstResultMs,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
  } finally {
    await pool.dispose();
  }
}
