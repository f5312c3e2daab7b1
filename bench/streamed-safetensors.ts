/**
 * Helpers of the conversion benchmarks (ldm-convert.ts, clip-convert.ts): a full-size random `.safetensors` written
 * one tensor at a time, so the bench itself never holds the weights, and a conversion run in a child process, so
 * its peak RSS (maxRSS) is measured against that process's own baseline.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, statSync, writeSync } from 'node:fs';

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

/** Runs `script child ...args` under tsx and parses the JSON line it prints last. */
export function convertInChild(script: string, args: readonly string[]): ChildConversion {
  const out = execFileSync(process.execPath, ['--import', 'tsx', script, 'child', ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildConversion;
}

/** The child side: times `convert` and prints the {@link ChildConversion} line. */
export async function reportChildConversion(convert: () => Promise<unknown>): Promise<void> {
  const baseRss = process.resourceUsage().maxRSS * 1024;
  const t = performance.now();
  await convert();
  console.log(JSON.stringify({ seconds: (performance.now() - t) / 1000, peakRss: process.resourceUsage().maxRSS * 1024, baseRss }));
}
