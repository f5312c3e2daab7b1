// Tests models/safetensors/write.ts (kept here because test/models/safetensors/ belongs to the reader's owner).
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeSafetensors, writeSafetensors } from '../../../models/safetensors/write.js';

/** Parses the header by hand, independent of our reader. */
function parse(buf: Buffer) {
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<string, any>;
  return { n, header, data: buf.subarray(8 + n) };
}

describe('encodeSafetensors', () => {
  it('writes an aligned header, contiguous offsets and little-endian F32 data', () => {
    const buf = encodeSafetensors(
      { a: { dtype: 'F32', shape: [2], data: Float32Array.of(1.5, -2) }, b: { dtype: 'F32', shape: [1, 1], data: Float32Array.of(3) } },
      { format: 'pt' },
    );
    const { n, header, data } = parse(buf);
    expect(n % 8).toBe(0);
    expect(header.__metadata__).toEqual({ format: 'pt' });
    expect(header.a).toEqual({ dtype: 'F32', shape: [2], data_offsets: [0, 8] });
    expect(header.b).toEqual({ dtype: 'F32', shape: [1, 1], data_offsets: [8, 12] });
    expect(data.length).toBe(12);
    expect(data.readFloatLE(0)).toBe(1.5);
    expect(data.readFloatLE(4)).toBe(-2);
    expect(data.readFloatLE(8)).toBe(3);
  });

  it('converts float32 values to F16 and BF16 bits, and writes 16-bit words as given', () => {
    const buf = encodeSafetensors({
      h: { dtype: 'F16', shape: [2], data: Float32Array.of(1, -2) },
      b: { dtype: 'BF16', shape: [1], data: Float32Array.of(1) },
      raw: { dtype: 'F16', shape: [1], data: Uint16Array.of(0x3800) },
    });
    const { data } = parse(buf);
    expect([data.readUInt16LE(0), data.readUInt16LE(2), data.readUInt16LE(4), data.readUInt16LE(6)]).toEqual([0x3c00, 0xc000, 0x3f80, 0x3800]);
  });

  it('names the tensor whose data does not fit its shape or dtype', () => {
    expect(() => encodeSafetensors({ w: { dtype: 'F32', shape: [2, 2], data: new Float32Array(3) } })).toThrow(/'w' has 3 values but shape \[2,2\] needs 4/);
    expect(() => encodeSafetensors({ w: { dtype: 'F32', shape: [1], data: new Uint16Array(1) } })).toThrow(/'w' is F32/);
    expect(() => encodeSafetensors({ __metadata__: { dtype: 'F32', shape: [1], data: new Float32Array(1) } })).toThrow(/reserved/);
  });
});

describe('writeSafetensors', () => {
  it('creates folders and writes the encoded bytes', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-'));
    const file = path.join(dir, 'sub', 'w.safetensors');
    const tensors = { x: { dtype: 'F32' as const, shape: [3], data: Float32Array.of(1, 2, 3) } };
    writeSafetensors(file, tensors, { k: 'v' });
    expect(readFileSync(file).equals(encodeSafetensors(tensors, { k: 'v' }))).toBe(true);
  });
});
