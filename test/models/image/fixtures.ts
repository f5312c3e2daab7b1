/** Test fixtures: temp dirs, hand-made PNG files and small IMAGE batches with known pixels. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { ImageBatch } from '../../../models/tensors.js';
import { rawPng } from '../../support/png.js';

/** A fresh temp dir, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A PNG built chunk by chunk (no sharp), so the header can claim anything.
 * `rowBytes` is the filtered scanline length without the filter byte; every row is zeros.
 */
export function handMadePng(opts: { width: number; height: number; bitDepth: number; colorType: number; rowBytes: number }): Buffer {
  const raw = Buffer.alloc(opts.height * (opts.rowBytes + 1));
  return rawPng({ ...opts, idat: zlib.deflateSync(raw, { level: 9 }) });
}

/** An IMAGE [batch,height,width,3] whose samples are k/255 for varied integer k, so 8-bit round trips are exact. */
export function patternImage(batch: number, height: number, width: number): ImageBatch {
  const data = new Float32Array(batch * height * width * 3);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 37 + 11) % 256) / 255;
  return { data, dims: [batch, height, width, 3] };
}

/** The 8-bit levels of an IMAGE's samples (v × 255, rounded). */
export function levels(image: ImageBatch): number[] {
  return Array.from(image.data, (v) => Math.round(v * 255));
}
