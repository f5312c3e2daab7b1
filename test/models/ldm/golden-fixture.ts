/**
 * Reading the golden fixtures of `test/fixtures/ldm/` (outputs of public reference code, stored as base64
 * little-endian float32; README.md there) and the error measure their tests use.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** One reference output. */
export interface GoldenTensor {
  readonly dims: number[];
  readonly data: Float32Array;
}

/** A golden file: the hashes of what the reference ran on and its outputs. */
export interface GoldenFixture {
  readonly checkpointSha256: string;
  readonly adapterSha256?: string;
  readonly inputsSha256: Record<string, string>;
  readonly outputs: Record<string, { dims: number[]; f32: string }>;
}

/** Tolerance of every golden comparison: max |ours − ref| / max |ref| in fp32. */
export const GOLDEN_TOLERANCE = 1e-4;

export function readGoldenFixture(name: string): GoldenFixture {
  return JSON.parse(readFileSync(path.join(import.meta.dirname, '../../fixtures/ldm', name), 'utf8')) as GoldenFixture;
}

export function goldenOutput(fixture: GoldenFixture, name: string): GoldenTensor {
  const o = fixture.outputs[name];
  if (!o) throw new Error(`golden output "${name}" is not in the fixture`);
  const b = Buffer.from(o.f32, 'base64');
  return { dims: o.dims, data: new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)) };
}

/** max |ours − ref| / max |ref|. */
export function relativeError(ours: ArrayLike<number>, ref: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs(ours[i]! - ref[i]!));
    scale = Math.max(scale, Math.abs(ref[i]!));
  }
  return diff / scale;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** sha256 of an input's float32 bytes, as the reference hashed them. */
export function inputSha256(data: ArrayLike<number>): string {
  return sha256(new Uint8Array(Float32Array.from(data).buffer));
}
