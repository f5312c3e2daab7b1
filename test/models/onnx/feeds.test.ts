import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelInputError } from '../../../models/onnx/errors.js';
import { castData, fitShape } from '../../../models/onnx/feeds.js';
import { SessionPool } from '../../../models/onnx/session-pool.js';
import { floatOutput } from '../../../models/onnx/tensor-types.js';
import { buildCastProbe, buildFp16Double, type CastProbeSpec } from './tiny-onnx.js';

let dir: string;
let pool: SessionPool;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pg-feeds-'));
  pool = new SessionPool({ device: 'cpu', ortLogLevel: 'fatal' });
});
afterAll(async () => {
  await pool.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const probes: CastProbeSpec[] = [
  { ids: 'int32', timestep: 'int64', timestepShape: ['batch'] }, // diffusers 2022 / optimum ≤1.23
  { ids: 'int32', timestep: 'float32', timestepShape: ['batch'] }, // diffusers after Nov 2022
  { ids: 'int64', timestep: 'float32', timestepShape: [] }, // optimum after Nov 2024: rank-0 scalar
  { ids: 'int64', timestep: 'float16', timestepShape: [1] }, // fp16 export
  { ids: 'int64', timestep: 'int64', timestepShape: [] },
];
const expectedTimestep = { int64: 946, int32: 946, float32: Math.fround(946.42), float16: 946.5 } as const;
const idFeeds = {
  Int32Array: { data: Int32Array.from([49406, 320, 49407]), dims: [1, 3] },
  BigInt64Array: { data: BigInt64Array.from([49406n, 320n, 49407n]), dims: [1, 3] },
  'number[]': { data: [49406, 320, 49407], dims: [1, 3] },
};
const timestepFeeds = {
  'rank 1': { data: Float32Array.from([946.42]), dims: [1] },
  'rank 0': { data: [946.42], dims: [] },
};

describe('ModelSession.run casting', () => {
  for (const spec of probes) {
    const label = `ids ${spec.ids}, timestep ${spec.timestep} [${spec.timestepShape.join(',')}]`;
    for (const [idKind, ids] of Object.entries(idFeeds)) {
      for (const [tKind, timestep] of Object.entries(timestepFeeds)) {
        it(`${label} ← ids ${idKind}, timestep ${tKind}`, async () => {
          const file = path.join(dir, `probe-${spec.ids}-${spec.timestep}-${spec.timestepShape.length}.onnx`);
          buildCastProbe(file, spec);
          const s = await pool.get(file);
          const out = await s.run({ input_ids: ids, timestep });
          expect([...floatOutput(out, 'ids_f').data]).toEqual([49406, 320, 49407]);
          const t = floatOutput(out, 't_f');
          expect(t.dims).toEqual(spec.timestepShape.map(() => 1));
          expect(t.data[0]).toBe(expectedTimestep[spec.timestep as keyof typeof expectedTimestep]);
        });
      }
    }
  }

  it('converts float16 models at the boundary, both ways', async () => {
    const s = await pool.get(buildFp16Double(path.join(dir, 'fp16.onnx')));
    expect(s.inputs[0]!.type).toBe('float16');
    const out = await s.run({ x: { data: Float32Array.from([1.5, -2, 0.1, 70000]), dims: [4] } });
    const y = floatOutput(out, 'y');
    expect(y.data).toBeInstanceOf(Float32Array);
    // 0.1 is 0.0999755859375 in half; 2·70000 overflows half to Infinity.
    expect([...y.data]).toEqual([3, -4, 0.199951171875, Infinity]);
  });
});

describe('ModelSession.run errors', () => {
  const probe = () => pool.get(buildCastProbe(path.join(dir, 'err-probe.onnx'), { ids: 'int32', timestep: 'int64', timestepShape: ['batch'] }));
  const ts = { data: [1], dims: [1] };

  it('names an unknown input and lists the real ones', async () => {
    const s = await probe();
    const err = await s.run({ input_ids: idFeeds.Int32Array, timestep: ts, timesteps: ts }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelInputError);
    expect((err as Error).message).toMatch(/err-probe\.onnx: input "timesteps" is not an input of this model; its inputs are: input_ids \(int32 \[batch,sequence\]\), timestep \(int64 \[batch\]\)/);
  });

  it('names a missing input with its expected signature', async () => {
    const s = await probe();
    await expect(s.run({ input_ids: idFeeds.Int32Array })).rejects.toThrow(/err-probe\.onnx: input "timestep" is missing: expected int64 \[batch\], got nothing/);
  });

  it('names a wrong rank with expected and actual dtype and shape', async () => {
    const s = await probe();
    const ids = { data: new Float32Array(77), dims: [77] };
    await expect(s.run({ input_ids: ids, timestep: ts })).rejects.toThrow(/err-probe\.onnx: input "input_ids" has a shape that cannot be cast: expected int32 \[batch,sequence\], got float32 \[77\]/);
  });

  it('rejects fixed dims that differ', async () => {
    const s = await pool.get(buildFp16Double(path.join(dir, 'fixed.onnx'), [1, 3, 2, 2]));
    const x = { data: new Float32Array(12), dims: [1, 3, 4, 1] };
    await expect(s.run({ x })).rejects.toThrow(/input "x" has a shape that cannot be cast: expected float16 \[1,3,2,2\], got float32 \[1,3,4,1\]/);
  });

  it('rejects data whose length does not match its dims, and NaN ids', async () => {
    const s = await probe();
    await expect(s.run({ input_ids: { data: [1, 2], dims: [1, 3] }, timestep: ts })).rejects.toThrow(/"input_ids" has 2 values/);
    await expect(s.run({ input_ids: { data: [1, NaN, 3], dims: [1, 3] }, timestep: ts })).rejects.toThrow(/"input_ids" cannot be cast \(value NaN is not a finite number\)/);
  });
});

describe('fitShape', () => {
  it.each([
    [['batch'], [1], [1]],
    [[], [1], []],
    [['batch'], [], [1]],
    [[1, 1], [1], [1, 1]],
    [['b', 4], [2, 4], [2, 4]],
    [[], [3], [3]],
  ] as const)('%j ← %j gives %j', (expected, dims, out) => {
    expect(fitShape(expected, dims)).toEqual(out);
  });
  it.each([
    [['b', 4], [2, 5]],
    [['b'], [2, 2]],
    [[1], [2]],
  ] as const)('%j ← %j does not fit', (expected, dims) => {
    expect(fitShape(expected, dims)).toBeUndefined();
  });
});

describe('castData', () => {
  it('keeps matching arrays and truncates floats to integers', () => {
    const f = Float32Array.from([1]);
    expect(castData(f, 'float32')).toBe(f);
    expect([...castData([946.9, -1.5], 'int64')]).toEqual([946n, -1n]);
    expect([...castData(BigInt64Array.from([5n]), 'float32')]).toEqual([5]);
    expect([...castData([0, 2], 'bool')]).toEqual([0, 1]);
  });
});
