/**
 * Helpers of the conversion benchmarks (ldm-convert.ts, clip-convert.ts): a full-size random `.safetensors` written
 * one tensor at a time, so the bench itself never holds the weights, and the conversion run twice in child
 * processes (fresh, then from the cache), so its peak RSS (maxRSS) is measured against that process's own baseline.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SessionPool } from '../models/onnx/session-pool.js';

/**
 * Writes `shapes` (key → shape, in file order) as `dtype` tensors whose bytes `fill` makes per tensor; returns the
 * file size.
 */
export function writeStreamedSafetensors(
  file: string,
  shapes: Iterable<readonly [string, readonly number[]]>,
  dtype: 'F16' | 'F32',
  fill: (key: string, count: number) => Uint8Array,
): number {
  const list = [...shapes];
  const width = dtype === 'F16' ? 2 : 4;
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const [k, s] of list) {
    const bytes = s.reduce((a, b) => a * b, 1) * width;
    header[k] = { dtype, shape: s, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = Buffer.from(JSON.stringify(header));
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const fd = openSync(file, 'w');
  try {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(json.length));
    writeSync(fd, len);
    writeSync(fd, json);
    for (const [k, s] of list) writeSync(fd, fill(k, s.reduce((a, b) => a * b, 1)));
  } finally {
    closeSync(fd);
  }
  return statSync(file).size;
}

/** What a conversion child prints last: its time, peak RSS and the RSS before it started converting. */
export interface ChildConversion {
  readonly seconds: number;
  readonly peakRss: number;
  readonly baseRss: number;
}

/** Runs `script child file cacheDir` under tsx and parses the JSON line it prints last. */
function convertInChild(script: string, file: string, cacheDir: string): ChildConversion {
  const out = execFileSync(process.execPath, ['--import', 'tsx', script, 'child', file, cacheDir], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildConversion;
}

/** Options of {@link runConversionBench}. */
export interface ConversionBenchOptions<T> {
  /** The bench module's own path (`fileURLToPath(import.meta.url)`); it must call {@link childConversion}. */
  readonly script: string;
  /** Name of the random file in the temp folder. */
  readonly fileName: string;
  /** Writes the file; returns its size. */
  readonly write: (file: string) => number;
  /** Runs after both child conversions, in this process, with a CPU session pool. */
  readonly measure: (o: { file: string; cacheDir: string; pool: SessionPool }) => Promise<T>;
}

/** The common figures plus what `measure` returned. */
export type ConversionFigures<T> = T & { fileBytes: number; writeSeconds: number; first: ChildConversion; second: ChildConversion };

/** Writes the file into a temp folder, converts it twice in child processes (fresh, then cached), measures, cleans up. */
export async function runConversionBench<T>(o: ConversionBenchOptions<T>): Promise<ConversionFigures<T>> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pg-bench-convert-'));
  const pool = new SessionPool({ device: 'cpu' });
  try {
    const file = path.join(root, o.fileName);
    const t0 = performance.now();
    const fileBytes = o.write(file);
    const writeSeconds = (performance.now() - t0) / 1000;
    const cacheDir = path.join(root, 'cache');
    const first = convertInChild(o.script, file, cacheDir);
    const second = convertInChild(o.script, file, cacheDir);
    return { ...(await o.measure({ file, cacheDir, pool })), fileBytes, writeSeconds, first, second };
  } finally {
    await pool.dispose();
    rmSync(root, { recursive: true, force: true });
  }
}

/** The child side: when started as `child file cacheDir`, times `convert` and prints the {@link ChildConversion} line. */
export async function childConversion(convert: (file: string, cacheDir: string) => Promise<unknown>): Promise<void> {
  if (process.argv[2] !== 'child') return;
  const baseRss = process.resourceUsage().maxRSS * 1024;
  const t = performance.now();
  await convert(process.argv[3]!, process.argv[4]!);
  console.log(JSON.stringify({ seconds: (performance.now() - t) / 1000, peakRss: process.resourceUsage().maxRSS * 1024, baseRss }));
}
