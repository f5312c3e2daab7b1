/**
 * Single-file checkpoint conversion (docs/ldm-checkpoints.md) on a full-size SD1.5 checkpoint with random F16
 * weights, written here tensor by tensor (never committed): peak RSS of the conversion over the process baseline
 * against the file size, conversion time, a second (cached) load, and one full-size UNet step at 512² (batch 2,
 * as CFG runs it) on the session pool.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertLdmCheckpoint } from '../models/ldm/convert.js';
import { SessionPool } from '../models/onnx/session-pool.js';
import { floatOutput } from '../models/onnx/tensor-types.js';
import { SD15_LDM_CONFIG, ldmCheckpointShapes, type LdmCheckpointConfig } from '../models/tiny/ldm-checkpoint.js';

/** Writes a safetensors file of random F16 values, one tensor at a time (bounded memory). */
export function writeRandomF16Checkpoint(file: string, config: LdmCheckpointConfig = SD15_LDM_CONFIG): number {
  const shapes = ldmCheckpointShapes(config);
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const [k, s] of shapes) {
    const bytes = s.reduce((a, b) => a * b, 1) * 2;
    header[k] = { dtype: 'F16', shape: s, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = Buffer.from(JSON.stringify(header));
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const fd = openSync(file, 'w');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  writeSync(fd, len);
  writeSync(fd, json);
  let seed = 1;
  for (const [, s] of shapes) {
    const n = s.reduce((a, b) => a * b, 1);
    const words = new Uint16Array(n);
    // Small random halves (|x| < 0.03: exponent 0x2000…0x23ff) so activations stay finite.
    for (let i = 0; i < n; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      words[i] = (seed >>> 16) & 0x83ff | 0x2000;
    }
    writeSync(fd, new Uint8Array(words.buffer));
  }
  closeSync(fd);
  return statSync(file).size;
}

/** Runs only the conversion in a child process and reports its peak RSS (maxRSS) and its baseline. */
function convertInChild(file: string, cacheDir: string): { seconds: number; peakRss: number; baseRss: number } {
  const self = fileURLToPath(import.meta.url);
  const out = execFileSync(process.execPath, ['--import', 'tsx', self, 'child', file, cacheDir], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** The figures for BENCHMARKS.md. */
export async function benchLdmConvert(): Promise<Record<string, number>> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pg-bench-ldm-'));
  try {
    const file = path.join(root, 'sd15-random-f16.safetensors');
    const t0 = performance.now();
    const size = writeRandomF16Checkpoint(file);
    const writeSeconds = (performance.now() - t0) / 1000;
    const cacheDir = path.join(root, 'cache');
    const first = convertInChild(file, cacheDir);
    const second = convertInChild(file, cacheDir);
    const pool = new SessionPool({ device: 'cpu' });
    try {
      const c = await convertLdmCheckpoint({ file, cacheDir });
      const t1 = performance.now();
      const unet = await pool.get(c.unet.model);
      const sessionSeconds = (performance.now() - t1) / 1000;
      const feeds = {
        sample: { data: new Float32Array(2 * 4 * 64 * 64).fill(0.1), dims: [2, 4, 64, 64] },
        timestep: { data: Float32Array.of(500), dims: [1] },
        encoder_hidden_states: { data: new Float32Array(2 * 77 * 768).fill(0.05), dims: [2, 77, 768] },
      };
      const t2 = performance.now();
      floatOutput(await unet.run(feeds), 'out_sample');
      const stepSeconds = (performance.now() - t2) / 1000;
      return {
        fileBytes: size, writeSeconds, convertSeconds: first.seconds, peakOverBase: (first.peakRss - first.baseRss) / size,
        peakRssBytes: first.peakRss, baseRssBytes: first.baseRss, cachedLoadSeconds: second.seconds, sessionSeconds, stepSeconds,
      };
    } finally {
      await pool.dispose();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'child') {
  const baseRss = process.resourceUsage().maxRSS * 1024;
  const t = performance.now();
  await convertLdmCheckpoint({ file: process.argv[3]!, cacheDir: process.argv[4]! });
  console.log(JSON.stringify({ seconds: (performance.now() - t) / 1000, peakRss: process.resourceUsage().maxRSS * 1024, baseRss }));
}
