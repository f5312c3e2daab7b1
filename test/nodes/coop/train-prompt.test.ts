/** TrainPrompt run directly with a real context: labels from input/, a .safetensors CLIP from the store, the prompt file in models/prompts/. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPromptFile } from '../../../models/coop/prompt-file.js';
import { makeDegradedIqaSet } from '../../../models/i2t/degraded-iqa-set.js';
import { coopNodes, trainPromptNode } from '../../../nodes/coop/index.js';
import { nodeContext, useModelRuntime } from '../../support/node-context.js';
import { writeTestClip } from '../../models/declip/train/fixtures.js';
import { writeTinyClipStoreModel } from '../../models/coop/fixtures.js';

describe('TrainPrompt', () => {
  const { dirs, models } = useModelRuntime(async (d) => {
    writeTinyClipStoreModel({ modelsDir: d.models, name: 'st-clip', seed: 3 });
    writeTestClip(path.join(d.models, 'clip', 'onnx-clip'));
    await makeDegradedIqaSet(path.join(d.input, 'set'), { n: 12 });
  });

  const inputs = {
    labels_file: 'set/labels.csv', image_folder: 'set/images', clip_name: 'st-clip', projector: 'none', space: 'perceptual', prompt_pair: 'technical', positive: '', negative: '',
    output_name: 'from-graph', epochs: 2, learning_rate: 0.01, weight_decay: 0, batch_size: 4, context_length: 3, context_mode: 'shared',
    loss: 'mse', logit_scale: 100, seed: 0, val_fraction: 0, resume: false,
  };
  const ctxWith = () => {
    const ctx = nodeContext({ dirs, models: models() }, { nodeType: 'TrainPrompt' });
    return ctx;
  };

  it('is exported by the pack as an output node', () => {
    expect(coopNodes).toContain(trainPromptNode);
    expect(trainPromptNode.outputNode).toBe(true);
  });

  it('learns, reports one line and progress per epoch, and writes a prompt file the scoring nodes list', async () => {
    const ctx = ctxWith();
    const result = await trainPromptNode.run(ctx, inputs as never);
    expect(result.outputs).toEqual(['from-graph.safetensors']);
    expect(ctx.events.filter((e) => /^epoch \d\/2: loss/.test((e as { text?: string }).text ?? ''))).toHaveLength(2);
    expect(ctx.events.filter((e) => 'progress' in (e as object)).at(-1)).toEqual({ progress: [2, 2] });
    expect(result.ui?.text?.at(-1)).toBe('saved models/prompts/from-graph.safetensors');
    expect(models().store.names('prompts')).toEqual(['from-graph.safetensors']);
    const p = await readPromptFile(path.join(dirs.models, 'prompts', 'from-graph.safetensors'));
    expect(p.pair.positive).toBe('Good photo.');
    expect(p.context.dims).toEqual([1, 3, 64]);
    expect(p.metrics.history).toHaveLength(2);
    expect(p.model.source).toBe('st-clip');
  }, 60_000);

  it('refuses an ONNX-only CLIP by name, a label file outside input/ and an output name with folders', async () => {
    await expect(trainPromptNode.run(ctxWith(), { ...inputs, clip_name: 'onnx-clip' } as never)).rejects.toThrow(/CLIP onnx-clip is an ONNX folder/);
    await expect(trainPromptNode.run(ctxWith(), { ...inputs, labels_file: '../state/x.csv' } as never)).rejects.toThrow();
    await expect(trainPromptNode.run(ctxWith(), { ...inputs, output_name: '../evil' } as never)).rejects.toThrow(/plain file name/);
    expect(fs.existsSync(path.join(dirs.models, 'evil.safetensors'))).toBe(false);
  });
});
