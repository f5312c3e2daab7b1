/**
 * Finite-difference check of the hand-written backward graph: for every parameter of both heads, the analytic
 * gradient from the step graph (optimizer 'none') must match central differences of the graph's own loss.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../../models/onnx-builder/prng.js';
import type { ModelSession } from '../../../../models/onnx/model-session.js';
import { SessionPool } from '../../../../models/onnx/session-pool.js';
import { floatOutput } from '../../../../models/onnx/tensor-types.js';
import { writeGraphFile } from '../../../../models/declip/graph-file.js';
import { paramDims, paramNames, type ProjectorParams } from '../../../../models/declip/train/params.js';
import { buildStepGraph } from '../../../../models/declip/train/train-graphs.js';

const shape = { embedDim: 6, hiddenDim: 5 };
const B = 4;
const TAU = 0.07;

function normalRows(rng: ReturnType<typeof createRng>, rows: number, cols: number, unit: boolean): Float32Array {
  const out = Float32Array.from({ length: rows * cols }, () => rng.normal());
  if (unit) {
    for (let r = 0; r < rows; r++) {
      const row = out.subarray(r * cols, (r + 1) * cols);
      const n = Math.hypot(...row);
      for (let i = 0; i < cols; i++) row[i] = row[i]! / n;
    }
  }
  return out;
}

/** Reference loss in float64: the module comment's formulas, written plainly. */
function referenceLoss(params: ProjectorParams, x: Float32Array, texts: Record<string, Float32Array>): number {
  const { embedDim: d, hiddenDim: h } = shape;
  let total = 0;
  for (const head of ['perceptual', 'semantic']) {
    const w1 = params[`${head}.fc1.weight`]!, b1 = params[`${head}.fc1.bias`]!, w2 = params[`${head}.fc2.weight`]!;
    const u: number[][] = [];
    for (let i = 0; i < B; i++) {
      const g = Array.from({ length: h }, (_, k) => {
        let a = b1[k]!;
        for (let j = 0; j < d; j++) a += w1[k * d + j]! * x[i * d + j]!;
        return a / (1 + Math.exp(-a));
      });
      const y = Array.from({ length: d }, (_, j) => x[i * d + j]! + g.reduce((s, gk, k) => s + w2[j * h + k]! * gk, 0));
      const n = Math.hypot(...y);
      u.push(y.map((v) => v / n));
    }
    const t = texts[head]!;
    for (let i = 0; i < B; i++) {
      const logits = Array.from({ length: B }, (_, c) => u[i]!.reduce((s, v, j) => s + v * t[c * d + j]!, 0) / TAU);
      const max = Math.max(...logits);
      total += (max + Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0)) - logits[i]!) / B;
    }
  }
  return total;
}

describe('buildStepGraph (optimizer none): gradients', () => {
  let dir: string;
  let pool: SessionPool;
  let session: ModelSession;
  const rng = createRng(7);
  const x = normalRows(rng, B, shape.embedDim, false);
  const texts = { perceptual: normalRows(rng, B, shape.embedDim, true), semantic: normalRows(rng, B, shape.embedDim, true) };
  // W2 nonzero: at the zero init ∂L/∂W1 and ∂L/∂b1 vanish, and the check would not see those paths.
  const params: ProjectorParams = Object.fromEntries(
    paramNames().map((n) => [n, Float32Array.from({ length: paramDims(n, shape).reduce((a, b) => a * b, 1) }, () => 0.5 * rng.normal())]),
  );

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-'));
    pool = new SessionPool({ device: 'cpu' });
    session = await pool.get(writeGraphFile(dir, 'grad', buildStepGraph({ ...shape, temperature: TAU, optimizer: 'none' })));
  });
  afterAll(async () => {
    await pool.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const feeds = (p: ProjectorParams) => ({
    image: { data: x, dims: [B, shape.embedDim] },
    text_perceptual: { data: texts.perceptual, dims: [B, shape.embedDim] },
    text_semantic: { data: texts.semantic, dims: [B, shape.embedDim] },
    ...Object.fromEntries(paramNames().map((n) => [n, { data: p[n]!, dims: paramDims(n, shape) }])),
  });
  const lossAt = async (p: ProjectorParams) => floatOutput(await session.run(feeds(p)), 'loss').data[0]!;

  it('computes the same loss as a float64 reference, and the sum of both heads', async () => {
    const out = await session.run(feeds(params));
    const loss = floatOutput(out, 'loss').data[0]!;
    expect(loss).toBeCloseTo(referenceLoss(params, x, texts), 4);
    expect(loss).toBeCloseTo(floatOutput(out, 'loss_perceptual').data[0]! + floatOutput(out, 'loss_semantic').data[0]!, 5);
  });

  it.each(paramNames())('matches central differences for %s', async (name) => {
    const grad = floatOutput(await session.run(feeds(params)), `grad.${name}`).data;
    const h = 1e-2;
    let worst = 0;
    for (let i = 0; i < grad.length; i++) {
      const plus = { ...params, [name]: params[name]!.slice() };
      const minus = { ...params, [name]: params[name]!.slice() };
      plus[name]![i]! += h;
      minus[name]![i]! -= h;
      const fd = (referenceLoss(plus, x, texts) - referenceLoss(minus, x, texts)) / (2 * h);
      const fdGraph = ((await lossAt(plus)) - (await lossAt(minus))) / (2 * h);
      // The float32 graph loss agrees with the float64 one, so its own differences agree too (coarser).
      expect(Math.abs(fdGraph - fd)).toBeLessThan(2e-3 + 2e-2 * Math.abs(fd));
      worst = Math.max(worst, Math.abs(grad[i]! - fd) / (1e-3 + Math.abs(fd)));
    }
    expect(worst).toBeLessThan(2e-2);
  });
});
