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
import type { ExecutionProvider } from '../models/onnx/providers.js';
import { SessionPool } from '../models/onnx/session-pool.js';
import { ClipImageProcessor } from '../models/processors/clip-image.js';
import type { FloatTensor } from '../models/tensors.js';
import { buildClipVision, VIT_B32_CONFIG } from '../models/clip/graphs.js';

export interface ClipPipelineFigures {
  readonly batch: number;
  readonly batches: number;
  /** Provider the pool ended up on (a GPU provider that fails falls back to CPU). */
  readonly provider: string;
  /** Images per second through the pool, preprocessing (decode, resize, crop, normalise) included. */
  readonly pipelineImagesPerSec: number;
  /** Images per second of raw `session.run` on ready tensors, same thread. */
  readonly rawImagesPerSec: number;
  readonly ratio: number;
  /** From session creation to the first pool output, ms. */
  readonly firstResultMs: number;
  readonly peakRssBytes: number;
}

export interface ClipPipelineOptions {
  readonly batch?: number;
  /** Batches per timed round; default 6. */
  readonly batches?: number;
  /** Alternating rounds of each side; the best round counts (single rounds vary ±10 % on a shared machine). */
  readonly rounds?: number;
  readonly provider?: ExecutionProvider;
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

async function timeRaw(model: string, ready: FloatTensor, provider: ExecutionProvider, batches: number): Promise<number> {
  const raw = await createRawRunner(model, { pixel_values: ready }, { provider });
  await raw.run();
  const t = performance.now();
  for (let i = 0; i < batches; i++) await raw.run();
  const seconds = (performance.now() - t) / 1000;
  await raw.release();
  return seconds;
}

/** Runs the pipeline and the raw baseline in alternating rounds. */
export async function benchClipPipeline(options: ClipPipelineOptions = {}): Promise<ClipPipelineFigures> {
  const { batch = 8, batches = 6, rounds = 3, provider = 'cpu' } = options;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-clip-bench-'));
  const model = path.join(dir, 'vision_model.onnx');
  writeFileSync(model, buildClipVision(VIT_B32_CONFIG.vision, 7));
  const files = await jpegs(dir, batch);
  const processor = new ClipImageProcessor();
  const ready = await processor.preprocess(files);
  const pool = new SessionPool({ device: provider, log: (m) => console.warn(m) });
  try {
    let t = performance.now();
    const session = await pool.get(model);
    await session.run({ pixel_values: await processor.preprocess(files) });
    const firstResultMs = performance.now() - t;
    let pipelineSeconds = Infinity;
    let rawSeconds = Infinity;
    for (let round = 0; round < rounds; round++) {
      t = performance.now();
      let next = processor.preprocess(files);
      for (let i = 0; i < batches; i++) {
        const pixels = await next;
        const running = session.run({ pixel_values: pixels }, { transferInputs: true });
        if (i + 1 < batches) next = processor.preprocess(files); // overlaps with the run in the worker
        await running;
      }
      pipelineSeconds = Math.min(pipelineSeconds, (performance.now() - t) / 1000);
      // The baseline runs on the provider the pool settled on, so a GPU request that fell back compares CPU to CPU.
      rawSeconds = Math.min(rawSeconds, await timeRaw(model, ready, session.provider as ExecutionProvider, batches));
    }
    const pipelineImagesPerSec = (batch * batches) / pipelineSeconds;
    const rawImagesPerSec = (batch * batches) / rawSeconds;
    return {
      batch,
      batches,
      provider: session.provider,
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
