import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProjectorGraph, checkProjectorWeights, zeroInitProjectors, type ProjectorBranch } from '../../../models/declip/projector-graph.js';
import { readProjectorWeights } from '../../../models/declip/projector-file.js';
import { writeGraphFile } from '../../../models/declip/graph-file.js';
import { floatOutput } from '../../../models/onnx/tensor-types.js';
import { declipFixture, type DeclipFixture } from './fixtures.js';

/** Test-side reference of x + W2·SiLU(W1·x + b1) for one row, in float64. */
function resMlpRef(x: Float32Array, w: ProjectorBranch, d: number, h: number): Float64Array {
  const hidden = new Float64Array(h);
  for (let i = 0; i < h; i++) {
    let a = w.fc1Bias[i]!;
    for (let j = 0; j < d; j++) a += w.fc1Weight[i * d + j]! * x[j]!;
    hidden[i] = a / (1 + Math.exp(-a));
  }
  const y = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let s = x[j]!;
    for (let i = 0; i < h; i++) s += w.fc2Weight[j * h + i]! * hidden[i]!;
    y[j] = s;
  }
  return y;
}

let fx: DeclipFixture;
beforeAll(() => {
  fx = declipFixture();
});
afterAll(async () => {
  await fx.close();
});

async function runGraph(bytes: Uint8Array, x: Float32Array, dims: number[]) {
  const session = await fx.models.pool.get(writeGraphFile(fx.dirs.cache, 'test-proj', bytes));
  const out = await session.run({ image_embeds: { data: x, dims } });
  return { raw: floatOutput(out, 'raw'), perceptual: floatOutput(out, 'perceptual'), semantic: floatOutput(out, 'semantic') };
}

describe('buildProjectorGraph', () => {
  it('computes x + W2·SiLU(W1·x + b1) per branch with the file weights', async () => {
    const w = await readProjectorWeights(fx.tiny.declip);
    const d = w.embedDim;
    const x = Float32Array.from({ length: 3 * d }, (_, i) => Math.cos(i * 0.37));
    const out = await runGraph(buildProjectorGraph(w), x, [3, d]);
    expect(out.perceptual.dims).toEqual([3, d]);
    for (const branch of ['perceptual', 'semantic'] as const) {
      for (let r = 0; r < 3; r++) {
        const ref = resMlpRef(x.subarray(r * d, (r + 1) * d), w[branch], d, w.hiddenDim);
        const got = out[branch].data.subarray(r * d, (r + 1) * d);
        for (let j = 0; j < d; j++) expect(got[j]).toBeCloseTo(ref[j]!, 4);
      }
    }
    // Trained-looking projectors move the embedding, and the two branches differ.
    expect(Array.from(out.perceptual.data)).not.toEqual(Array.from(x));
    expect(Array.from(out.perceptual.data)).not.toEqual(Array.from(out.semantic.data));
    expect(Array.from(out.raw.data)).toEqual(Array.from(x));
  });

  it('with zero-initialised W2 returns the input exactly (DeCLIP = CLIP)', async () => {
    const d = 64;
    const x = Float32Array.from({ length: 2 * d }, (_, i) => Math.sin(i) * 3);
    const out = await runGraph(buildProjectorGraph(zeroInitProjectors(d)), x, [2, d]);
    expect(Array.from(out.perceptual.data)).toEqual(Array.from(x));
    expect(Array.from(out.semantic.data)).toEqual(Array.from(x));
  });

  it('rejects weights whose sizes do not match d and h', () => {
    const w = zeroInitProjectors(8, 4);
    const bad = { ...w, semantic: { ...w.semantic, fc2Weight: new Float32Array(31) } };
    expect(() => checkProjectorWeights(bad)).toThrow(/semantic\.fc2\.weight has 31 values, expected 32/);
    expect(() => buildProjectorGraph(bad)).toThrow(/semantic\.fc2\.weight/);
  });
});

describe('readProjectorWeights', () => {
  it('reads both branches with d and h from the file', async () => {
    const w = await readProjectorWeights(fx.tiny.declipH);
    expect([w.embedDim, w.hiddenDim]).toEqual([1024, 64]);
    expect(w.perceptual.fc2Weight.length).toBe(1024 * 64);
  });

  it('names the file when it is not a projector file', async () => {
    await expect(readProjectorWeights(fx.tiny.ipAdapter)).rejects.toThrow(/tiny-ip-adapter_sd15\.safetensors: missing tensor perceptual\.fc1\.weight/);
  });
});
