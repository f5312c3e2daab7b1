import { existsSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECTION_INPUT, PROJECTION_OUTPUT } from '../../../models/ip-adapter/projection-graph.js';
import { ensureProjectionModel, projectImageEmbeds } from '../../../models/ip-adapter/projection.js';
import { loadIpAdapterWeights, type IpAdapterWeights } from '../../../models/ip-adapter/weights.js';
import { createModelFixture, type ModelFixture } from '../../support/services.js';
import { maxAbsDiff, pseudoRandom } from '../../support/arrays.js';
import { referenceProjection } from './references.js';

let fx: ModelFixture;
let adapter: IpAdapterWeights;

beforeAll(async () => {
  fx = createModelFixture();
  adapter = await loadIpAdapterWeights(fx.tiny.ipAdapter);
});
afterAll(() => fx.close());

describe('ensureProjectionModel', () => {
  it('writes one ONNX model per adapter into the cache and reuses it', async () => {
    const file = ensureProjectionModel(adapter, fx.dirs.cache);
    expect(file.startsWith(fx.dirs.cache)).toBe(true);
    const mtime = statSync(file).mtimeMs;
    expect(ensureProjectionModel(adapter, fx.dirs.cache)).toBe(file);
    expect(statSync(file).mtimeMs).toBe(mtime);
    const other = ensureProjectionModel({ ...adapter, key: `${adapter.key}-edited` }, fx.dirs.cache);
    expect(other).not.toBe(file);
    expect(existsSync(other)).toBe(true);
    const session = await fx.models.pool.get(file);
    expect(session.inputs.map((m) => [m.name, m.shape])).toEqual([[PROJECTION_INPUT, ['batch', 1024]]]);
    expect(session.outputs.map((m) => m.name)).toEqual([PROJECTION_OUTPUT]);
  });
});

describe('projectImageEmbeds', () => {
  it('matches a float64 Linear + LayerNorm reference, per batch row', async () => {
    const a = pseudoRandom(1024, 3);
    const b = pseudoRandom(1024, 4);
    const data = new Float32Array(2048);
    data.set(a);
    data.set(b, 1024);
    const modelFile = ensureProjectionModel(adapter, fx.dirs.cache);
    const out = await projectImageEmbeds({ sessions: fx.models.pool, modelFile, embeds: { data, dims: [2, 1024] } });
    expect(out.dims).toEqual([2, 4, 768]);
    expect(maxAbsDiff(out.data.subarray(0, 3072), await referenceProjection(fx.tiny.ipAdapter, a))).toBeLessThan(1e-4);
    expect(maxAbsDiff(out.data.subarray(3072), await referenceProjection(fx.tiny.ipAdapter, b))).toBeLessThan(1e-4);
  });

  it('projects a zero embedding to LayerNorm(bias), which is not a zero tensor', async () => {
    const modelFile = ensureProjectionModel(adapter, fx.dirs.cache);
    const out = await projectImageEmbeds({ sessions: fx.models.pool, modelFile, embeds: { data: new Float32Array(1024), dims: [1, 1024] } });
    expect(maxAbsDiff(out.data, await referenceProjection(fx.tiny.ipAdapter, new Float32Array(1024)))).toBeLessThan(1e-5);
    expect(Math.max(...out.data.map(Math.abs))).toBeGreaterThan(0.1);
  });
});
