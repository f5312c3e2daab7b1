import { mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSafetensors, readSafetensorsHeader, SafetensorsError } from '../../../models/safetensors/read.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pg-st-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface RawTensor {
  dtype: string;
  shape: number[];
  bytes: Uint8Array;
}

/** Writes a safetensors file by hand (the format is simple enough to state in the test). */
function write(name: string, tensors: Record<string, RawTensor>, extra: Record<string, unknown> = {}): string {
  const header: Record<string, unknown> = { ...extra };
  let offset = 0;
  for (const [k, t] of Object.entries(tensors)) {
    header[k] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.byteLength] };
    offset += t.bytes.byteLength;
  }
  return writeRaw(name, JSON.stringify(header), Object.values(tensors).map((t) => t.bytes));
}

function writeRaw(name: string, headerJson: string, data: Uint8Array[]): string {
  const header = new TextEncoder().encode(headerJson);
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(header.byteLength), true);
  const file = path.join(dir, name);
  writeFileSync(file, Buffer.concat([len, header, ...data]));
  return file;
}

const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('openSafetensors', () => {
  it('reads the header, metadata and F32/F16/BF16/I64/I32 tensors as float32', async () => {
    const file = write('ok.safetensors', {
      'a.f32': { dtype: 'F32', shape: [2, 2], bytes: bytesOf(Float32Array.from([1, -2, 0.5, 3.25])) },
      // 1, -2, 0.333251953125 (0x3555), 65504 (max half)
      'b.f16': { dtype: 'F16', shape: [4], bytes: bytesOf(Uint16Array.from([0x3c00, 0xc000, 0x3555, 0x7bff])) },
      // 1, -3, 0.25, 3.140625 (0x4049)
      'c.bf16': { dtype: 'BF16', shape: [4], bytes: bytesOf(Uint16Array.from([0x3f80, 0xc040, 0x3e80, 0x4049])) },
      'd.i64': { dtype: 'I64', shape: [2], bytes: bytesOf(BigInt64Array.from([7n, -9n])) },
      'e.i32': { dtype: 'I32', shape: [1], bytes: bytesOf(Int32Array.from([42])) },
    }, { __metadata__: { format: 'pt' } });
    const st = await openSafetensors(file);
    try {
      expect(st.metadata).toEqual({ format: 'pt' });
      expect(st.tensors['a.f32']).toEqual({ dtype: 'F32', shape: [2, 2], offsets: [0, 16] });
      expect(Object.keys(st.tensors)).toHaveLength(5);
      expect([...(await st.read('a.f32'))]).toEqual([1, -2, 0.5, 3.25]);
      expect([...(await st.read('b.f16'))]).toEqual([1, -2, 0.333251953125, 65504]);
      expect([...(await st.read('c.bf16'))]).toEqual([1, -3, 0.25, 3.140625]);
      expect([...(await st.read('d.i64'))]).toEqual([7, -9]);
      expect([...(await st.read('e.i32'))]).toEqual([42]);
      await expect(st.read('missing')).rejects.toThrow(/ok\.safetensors: no tensor "missing"/);
    } finally {
      await st.close();
    }
  });

  it('reads the header alone and tolerates a file without __metadata__', async () => {
    const file = write('nometa.safetensors', { x: { dtype: 'F32', shape: [], bytes: bytesOf(Float32Array.from([5])) } });
    const h = await readSafetensorsHeader(file);
    expect(h.metadata).toEqual({});
    expect(h.tensors.x!.shape).toEqual([]);
  });

  it('rejects a truncated file, naming it and the tensor out of range', async () => {
    const file = write('trunc.safetensors', { w: { dtype: 'F32', shape: [64], bytes: new Uint8Array(256) } });
    truncateSync(file, statSync(file).size - 10);
    const err = await openSafetensors(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SafetensorsError);
    expect((err as Error).message).toMatch(/trunc\.safetensors: tensor "w" offsets \[0, 256\] are outside the 246-byte data section/);
  });

  it('rejects a header length beyond the file and files shorter than 8 bytes', async () => {
    const file = write('len.safetensors', { w: { dtype: 'F32', shape: [1], bytes: new Uint8Array(4) } });
    truncateSync(file, 20);
    await expect(openSafetensors(file)).rejects.toThrow(/len\.safetensors: header length \d+ does not fit in a 20-byte file/);
    const tiny = path.join(dir, 'tiny.safetensors');
    writeFileSync(tiny, 'abc');
    await expect(openSafetensors(tiny)).rejects.toThrow(/tiny\.safetensors: file is 3 bytes/);
  });

  it('rejects a header that is not JSON or not an object', async () => {
    await expect(openSafetensors(writeRaw('bad.safetensors', '{"w": ', []))).rejects.toThrow(/bad\.safetensors: header is not valid JSON/);
    await expect(openSafetensors(writeRaw('arr.safetensors', '[1,2]', []))).rejects.toThrow(/arr\.safetensors: header is not a JSON object/);
  });

  it('rejects a shape that does not match the byte span, an unknown dtype and a malformed entry', async () => {
    const mismatch = writeRaw('shape.safetensors', '{"w":{"dtype":"F16","shape":[3],"data_offsets":[0,8]}}', [new Uint8Array(8)]);
    await expect(openSafetensors(mismatch)).rejects.toThrow(/tensor "w" F16 \[3\] needs 6 bytes but its offsets span 8/);
    const dtype = writeRaw('dtype.safetensors', '{"w":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}', [new Uint8Array(1)]);
    await expect(openSafetensors(dtype)).rejects.toThrow(/tensor "w" has unsupported dtype F8_E4M3/);
    const malformed = writeRaw('mal.safetensors', '{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', [new Uint8Array(4)]);
    await expect(openSafetensors(malformed)).rejects.toThrow(/tensor "w" has a malformed entry/);
  });

  it('names a file that cannot be opened', async () => {
    await expect(openSafetensors(path.join(dir, 'none.safetensors'))).rejects.toThrow(/none\.safetensors: cannot open/);
  });
});

describe('readSafetensorsHeaderSync', () => {
  it('reads the same header as the async reader and reports the same errors', async () => {
    const { readSafetensorsHeaderSync } = await import('../../../models/safetensors/read.js');
    const file = write('sync.safetensors', { w: { dtype: 'BF16', shape: [2, 3], bytes: new Uint8Array(12) } }, { __metadata__: { a: 'b' } });
    expect(readSafetensorsHeaderSync(file)).toEqual(await readSafetensorsHeader(file));
    truncateSync(file, statSync(file).size - 1);
    expect(() => readSafetensorsHeaderSync(file)).toThrow(/sync\.safetensors: tensor "w" offsets \[0, 12\] are outside the 11-byte data section/);
    expect(() => readSafetensorsHeaderSync(path.join(dir, 'gone.safetensors'))).toThrow(/gone\.safetensors: cannot open/);
  });
});
