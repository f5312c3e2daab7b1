/**
 * `perceptgraph iqa tune`, `iqa eval --prompt` and `iqa cross` through the real CLI on a tiny .safetensors CLIP and
 * the synthetic degraded-image sets: the prompt file is written and scored, the cross table comes out in the
 * terminal, JSON and CSV, usage errors exit 2 and failures 1.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPromptFile } from '../../../models/coop/prompt-file.js';
import { makeDegradedIqaSet } from '../../../models/i2t/degraded-iqa-set.js';
import { runPerceptgraph } from '../../support/cli.js';
import { tempDataDirs } from '../../support/node-context.js';
import { writeTestClip } from '../../models/declip/train/fixtures.js';
import { writeTinyClipStoreModel } from '../../models/coop/fixtures.js';

const { dirs, cleanup } = tempDataDirs();
const common = ['--model', 'clip=st-clip', '--epochs', '2', '--batch-size', '4', '--context-length', '3', '--data-dir', dirs.root, '--device', 'cpu'];
let a: string;
let b: string;

beforeAll(async () => {
  writeTinyClipStoreModel({ modelsDir: dirs.models, name: 'st-clip', seed: 3 });
  writeTestClip(path.join(dirs.models, 'clip', 'onnx-clip'));
  a = (await makeDegradedIqaSet(path.join(dirs.root, 'sets', 'a'), { n: 12, seed: 1 })).labelsFile;
  b = (await makeDegradedIqaSet(path.join(dirs.root, 'sets', 'b'), { n: 9, seed: 2 })).labelsFile;
}, 60_000);
afterAll(cleanup);

describe('iqa tune', () => {
  it('writes the prompt file into models/prompts/, and iqa eval --prompt scores with it next to the hand-written pair', async () => {
    const r = await runPerceptgraph(['iqa', 'tune', '--images', path.join(path.dirname(a), 'images'), '--labels', a, ...common, '--loss', 'fidelity'], 120_000);
    expect(r.stderr).toMatch(/epoch 2\/2: loss/);
    expect(r.code).toBe(0);
    const file = path.join(dirs.models, 'prompts', 'technical-st-clip.safetensors');
    expect(r.stdout).toContain(`wrote ${file}`);
    const p = await readPromptFile(file);
    expect([p.loss, p.options.epochs, p.context.dims]).toEqual(['fidelity', 2, [1, 3, 64]]);
    const resumed = await runPerceptgraph(['iqa', 'tune', '--images', path.join(path.dirname(a), 'images'), '--labels', a, ...common, '--epochs', '3', '--resume'], 120_000);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/epoch 3\/3/);
    expect(resumed.stderr).not.toMatch(/epoch 1\/3/);

    const out = path.join(dirs.root, 'eval');
    const e = await runPerceptgraph(['iqa', 'eval', '--images', path.join(path.dirname(b), 'images'), '--labels', b, '--model', 'name=M,clip=st-clip',
      '--prompt', 'technical-st-clip', '--data-dir', dirs.root, '--device', 'cpu', '--out', out], 120_000);
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(/^M\+technical-st-clip\.safetensors\s+9\s/m);
    expect(fs.readFileSync(path.join(out, 'metrics.csv'), 'utf8')).toContain('file:technical-st-clip.safetensors');
  }, 240_000);

  it('exits 2 on usage errors, 0 for --help, 1 for a CLIP without text-tower weights', async () => {
    expect((await runPerceptgraph(['iqa', 'tune', '--help'])).code).toBe(0);
    const noModel = await runPerceptgraph(['iqa', 'tune', '--images', dirs.root, '--labels', a]);
    expect([noModel.code, noModel.stderr]).toEqual([2, expect.stringMatching(/--model SPEC is required/)]);
    const badLoss = await runPerceptgraph(['iqa', 'tune', '--images', dirs.root, '--labels', a, ...common, '--loss', 'hinge']);
    expect([badLoss.code, badLoss.stderr]).toEqual([2, expect.stringMatching(/--loss must be one of mse, fidelity/)]);
    const noFile = await runPerceptgraph(['iqa', 'eval', '--images', dirs.root, '--labels', a, '--model', 'clip=st-clip', '--prompt', 'absent', '--data-dir', dirs.root]);
    expect([noFile.code, noFile.stderr]).toEqual([2, expect.stringMatching(/--prompt absent: no such file/)]);
    const onnx = await runPerceptgraph(['iqa', 'tune', '--images', dirs.root, '--labels', a, ...common, '--model', 'clip=onnx-clip'], 60_000);
    expect([onnx.code, onnx.stderr]).toEqual([1, expect.stringMatching(/CLIP onnx-clip is an ONNX folder/)]);
  }, 120_000);
});

describe('iqa cross', () => {
  it('trains on one set and reports SRCC/PLCC of CLIP, zero-shot and CoOp on every set: terminal, JSON and CSV', async () => {
    const out = path.join(dirs.root, 'cross');
    const r = await runPerceptgraph(['iqa', 'cross', '--train', a, '--test', `name=setb,labels=${b}`, ...common, '--out', out], 120_000);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^dataset\s+role\s+n\s+SRCC clip\s+SRCC zero-shot\s+SRCC coop\s+PLCC clip/m);
    expect(r.stdout).toMatch(/^a\s+train\s+12\s/m);
    expect(r.stdout).toMatch(/^setb\s+test\s+9\s/m);
    const json = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8'));
    expect(json.rows.map((row: { dataset: string; n: number }) => [row.dataset, row.n])).toEqual([['a', 12], ['setb', 9]]);
    expect(Object.keys(json.rows[1].srcc)).toEqual(['clip', 'zero-shot', 'coop']);
    expect(fs.readFileSync(path.join(out, 'metrics.csv'), 'utf8').split('\n')[0]).toBe('dataset,role,n,srcc_clip,srcc_zero-shot,srcc_coop,plcc_clip,plcc_zero-shot,plcc_coop');
    const noTest = await runPerceptgraph(['iqa', 'cross', '--train', a, ...common]);
    expect([noTest.code, noTest.stderr]).toEqual([2, expect.stringMatching(/--train and at least one --test are required/)]);
  }, 180_000);
});
