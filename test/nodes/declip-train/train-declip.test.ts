/** TrainDeCLIP run directly with a real context: data from input/, CLIP from the store, output in models/declip/. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelRuntime } from '../../../models/runtime/model-runtime.js';
import { readDeclip } from '../../../models/store/weight-layout.js';
import type { NodeServices } from '../../../nodes/services.js';
import { declipTrainNodes, trainDeclipNode } from '../../../nodes/declip-train/index.js';
import { nodeContext, useModelRuntime } from '../../support/node-context.js';
import { writeSynthSet, writeTestClip } from '../../models/declip/train/fixtures.js';

describe('TrainDeCLIP', () => {
  const { dirs, models } = useModelRuntime(async (d) => {
    writeTestClip(path.join(d.models, 'clip', 'tiny-clip-64'));
    await writeSynthSet(path.join(d.input, 'set'), 24);
  });

  const inputs = {
    data_file: 'set/i2t.csv', clip_name: 'tiny-clip-64', output_name: 'from-graph', epochs: 2, learning_rate: 1e-3,
    weight_decay: 0.05, batch_size: 8, hidden_dim: 16, crops: 2, seed: 0, val_fraction: 0.25, resume: false,
  };

  it('is exported by the pack as an output node listing the store\'s CLIP models', () => {
    expect(declipTrainNodes).toContain(trainDeclipNode);
    expect(trainDeclipNode.outputNode).toBe(true);
  });

  it('trains, reports progress and epoch lines, and saves a projector file DeCLIPLoader can list', async () => {
    const ctx = nodeContext({ dirs }, { nodeType: 'TrainDeCLIP' });
    (ctx.services as { models?: ModelRuntime }).models = models();
    const result = await trainDeclipNode.run(ctx, inputs);
    const progress = ctx.events.filter((e): e is { progress: [number, number] } => 'progress' in (e as object)).map((e) => e.progress);
    expect(progress.at(-1)![0]).toBe(progress.at(-1)![1]); // ends at 100 %
    expect(progress.length).toBeGreaterThanOrEqual(4); // 18 training images / 8 → 2 steps × 2 epochs
    expect(ctx.events.filter((e) => /^epoch \d\/2/.test((e as { text?: string }).text ?? ''))).toHaveLength(2);
    expect(result.ui?.text?.at(-1)).toBe('saved models/declip/from-graph.safetensors');
    const file = path.join(dirs.models, 'declip', 'from-graph.safetensors');
    expect(readDeclip(file, 'from-graph.safetensors').ok).toBe(true);
    expect(models().store.names('declip')).toContain('from-graph.safetensors');
  }, 60_000);

  it('refuses a data file outside input/ and an output name with folders', async () => {
    const ctx = nodeContext({ dirs });
    (ctx.services as { models?: ModelRuntime }).models = models();
    await expect(trainDeclipNode.run(ctx, { ...inputs, data_file: '../state/x.csv' })).rejects.toThrow();
    await expect(trainDeclipNode.run(ctx, { ...inputs, output_name: '../evil' })).rejects.toThrow(/plain file name/);
    expect(fs.existsSync(path.join(dirs.models, 'evil.safetensors'))).toBe(false);
  });
});
