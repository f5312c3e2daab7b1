/** The fused AdamW graph update against the TS reference update, over two steps (bias correction included). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../../models/onnx-builder/prng.js';
import { SessionPool } from '../../../../models/onnx/session-pool.js';
import { floatOutput } from '../../../../models/onnx/tensor-types.js';
import { ADAMW_GRAPH_DEFAULTS, adamwScalars, adamwUpdateTs } from '../../../../models/declip/train/adamw.js';
import { writeGraphFile } from '../../../../models/declip/graph-file.js';
import { initProjectorParams, paramDims, paramNames, zerosLike } from '../../../../models/declip/train/params.js';
import { runTrainStep, type OptimizerState } from '../../../../models/declip/train/session-ops.js';
import { buildStepGraph } from '../../../../models/declip/train/train-graphs.js';

describe('AdamW step graph', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-'));
  const pool = new SessionPool({ device: 'cpu' });
  afterAll(async () => {
    await pool.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const shape = { embedDim: 5, hiddenDim: 7 };
  const adamw = { lr: 1e-2, weightDecay: 0.1, ...ADAMW_GRAPH_DEFAULTS };

  it('adamwScalars rejects step 0', () => {
    expect(() => adamwScalars(adamw, 0)).toThrow(/step/);
  });

  it('updates every parameter and moment like the TS reference', async () => {
    const file = (o: 'adamw' | 'none') => writeGraphFile(dir, o, buildStepGraph({ ...shape, temperature: 0.07, optimizer: o }));
    const [stepSession, gradSession] = await Promise.all([pool.get(file('adamw')), pool.get(file('none'))]);
    const rng = createRng(3);
    const batch = () => Float32Array.from({ length: 4 * shape.embedDim }, () => rng.normal());
    const params = initProjectorParams(shape, 1);
    const state: OptimizerState = { params: { ...params }, m: zerosLike(params), v: zerosLike(params), step: 0 };
    const ref = { params: structuredClone(params), m: zerosLike(params), v: zerosLike(params) };
    for (let step = 1; step <= 2; step++) {
      const image = batch(), tp = batch(), ts = batch();
      const feeds = {
        image: { data: image, dims: [4, shape.embedDim] }, text_perceptual: { data: tp, dims: [4, shape.embedDim] },
        text_semantic: { data: ts, dims: [4, shape.embedDim] },
        ...Object.fromEntries(paramNames().map((n) => [n, { data: ref.params[n]!, dims: paramDims(n, shape) }])),
      };
      const grads = await gradSession.run(feeds);
      for (const n of paramNames()) {
        adamwUpdateTs({ param: ref.params[n]!, grad: floatOutput(grads, `grad.${n}`).data, m: ref.m[n]!, v: ref.v[n]! }, adamw, step);
      }
      await runTrainStep(state, { session: stepSession, shape, adamw, image: image.slice(), texts: { perceptual: tp.slice(), semantic: ts.slice() } });
    }
    expect(state.step).toBe(2);
    for (const n of paramNames()) {
      for (const [got, want] of [[state.params[n]!, ref.params[n]!], [state.m[n]!, ref.m[n]!], [state.v[n]!, ref.v[n]!]] as const) {
        want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 5));
      }
    }
    // The zero-initialised W2 moved: the step really trains.
    expect(state.params['perceptual.fc2.weight']!.some((x) => x !== 0)).toBe(true);
  });
});
