import { convertClipFile } from '../../../../models/clip/convert-clip.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDegradedIqaSet, type DegradedIqaSet } from '../../../../models/i2t/synth.js';
import { runIqaEval, type IqaEvalOptions } from '../../../../models/iqa/eval/run-eval.js';
import { contentHash } from '../../../../models/iqa/eval/embedding-cache.js';
import { parseModelSpec } from '../../../../models/iqa/eval/model-config.js';
import { evalJson, formatEvalTable, writeEvalReports } from '../../../../models/iqa/eval/report.js';
import { declipFixture, type DeclipFixture } from '../../declip/fixtures.js';

let fx: DeclipFixture;
let set: DegradedIqaSet;
let work: string;

function options(extra: Partial<IqaEvalOptions> = {}): IqaEvalOptions {
  return {
    imageDir: set.imageDir, labelsFile: set.labelsFile, pool: fx.models.pool, store: fx.models.store,
    graphDir: path.join(fx.dirs.cache, 'declip'), cacheDir: path.join(work, 'cache'), batchSize: 5, ...extra,
  };
}

beforeAll(async () => {
  fx = declipFixture();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-iqa-eval-'));
  set = await makeDegradedIqaSet(path.join(work, 'set'), { n: 18, badRows: true, seed: 3 });
});
afterAll(async () => {
  await fx.close();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('runIqaEval (end to end on a degraded tiny set)', () => {
  it('scores CLIP and DeCLIP side by side with every metric, and reports each bad row by number', async () => {
    const progress: number[] = [];
    const r = await runIqaEval(options({ onProgress: (p) => progress.push(p.done) }));
    expect(r.models.map((m) => m.name)).toEqual(['CLIP', 'DeCLIP']);
    for (const m of r.models) {
      expect(m.n).toBe(18);
      // The tiny models are random: only check that each metric is a defined coefficient, not that it is good.
      for (const v of [m.srcc, m.krcc, m.plcc, m.plccLogistic]) {
        expect(Number.isFinite(v)).toBe(true);
        expect(Math.abs(v)).toBeLessThanOrEqual(1 + 1e-9);
      }
      expect(m.msPerImage).toBeGreaterThan(0);
    }
    // Both configs share tiny-clip: one encoder pass.
    expect(r.models[0]!.encoded + r.models[0]!.cached).toBe(18);
    const bad = set.badRows!;
    expect(r.problems.map((p) => [p.row, p.code])).toEqual([
      [bad.missingFile, 'missing_file'], [bad.nonNumericMos, 'non_numeric_mos'],
      [bad.duplicateName, 'duplicate_name'], [bad.undecodableImage, 'undecodable_image'],
    ].sort((a, b) => (a[0] as number) - (b[0] as number)));
    expect(r.problemCounts).toEqual({ missing_file: 1, non_numeric_mos: 1, duplicate_name: 1, undecodable_image: 1 });
    expect(r.problems.find((p) => p.code === 'undecodable_image')!.message).toMatch(new RegExp(`^row ${bad.undecodableImage}: `));
    expect(progress.at(-1)).toBe(19); // 18 good images + the undecodable one reach the encoder stage
    expect(r.predictions).toHaveLength(19);
    expect(r.predictions.find((p) => p.row === bad.undecodableImage)!.scores).toEqual({ CLIP: null, DeCLIP: null });
  });

  it('resumes from the embedding cache: a second run encodes nothing and gives the same numbers', async () => {
    const first = await runIqaEval(options({ cacheDir: path.join(work, 'resume') }));
    const { vision } = await convertClipFile({ file: path.join(fx.tiny.clip, 'model.safetensors'), cacheDir: fx.dirs.cache });
    const runs = () => fx.models.pool.stats().sessions.find((s) => s.file === vision!.model)!.runs;
    const before = runs();
    const second = await runIqaEval(options({ cacheDir: path.join(work, 'resume') }));
    expect(runs()).toBe(before);
    expect(second.models[0]!.cached).toBe(18);
    expect(second.models[0]!.encoded).toBe(0);
    expect(second.models.map((m) => m.srcc)).toEqual(first.models.map((m) => m.srcc));
  });

  it('resumes a partial run: only the images missing from the cache are encoded', async () => {
    const dir = path.join(work, 'partial');
    await runIqaEval(options({ cacheDir: dir }));
    const [file] = fs.readdirSync(dir);
    const lines = fs.readFileSync(path.join(dir, file!), 'utf8').trim().split('\n');
    // Keep 10 entries and a torn line, as a run killed mid-write would leave.
    fs.writeFileSync(path.join(dir, file!), `${lines.slice(0, 10).join('\n')}\n{"h":"abc","e":"AAA`);
    const kept = new Set(lines.slice(0, 10).map((l) => (JSON.parse(l) as { h: string }).h));
    // Images are keyed by content, so identical files (two pristine copies of a scene) share one entry.
    const hits = set.items.filter((it) => kept.has(contentHash(fs.readFileSync(path.join(set.imageDir, it.image))))).length;
    const r = await runIqaEval(options({ cacheDir: dir }));
    expect(hits).toBeGreaterThanOrEqual(10);
    expect(r.models[0]!.cached).toBe(hits);
    expect(r.models[0]!.encoded).toBe(18 - hits);
  });

  it('gives NaN with a warning, not a crash, for constant MOS or too few images', async () => {
    const constant = path.join(work, 'const.csv');
    fs.writeFileSync(constant, `image,mos\n${set.items.slice(0, 4).map((it) => `${it.image},50`).join('\n')}\n`);
    const r = await runIqaEval(options({ labelsFile: constant, cacheDir: null }));
    expect(r.models[0]!.n).toBe(4);
    for (const v of [r.models[0]!.srcc, r.models[0]!.krcc, r.models[0]!.plcc, r.models[0]!.plccLogistic]) expect(v).toBeNaN();
    expect(r.models[0]!.warnings.join(' ')).toMatch(/all MOS values are equal/);
    expect(formatEvalTable(r)).toMatch(/NaN[\s\S]*warning \(CLIP\): all MOS values are equal/);
    expect(JSON.parse(evalJson(r)).models[0].srcc).toBeNull();
    const single = path.join(work, 'single.csv');
    fs.writeFileSync(single, `image,mos\n${set.items[0]!.image},50\n`);
    const one = await runIqaEval(options({ labelsFile: single, cacheDir: null }));
    expect(one.models[0]!.srcc).toBeNaN();
    expect(one.models[0]!.warnings.join(' ')).toMatch(/at least 2/);
  });

  it('accepts custom model configs and writes JSON and CSV reports', async () => {
    const models = [
      parseModelSpec('name=semantic,clip=tiny-clip,projector=tiny-declip.safetensors,space=semantic,prompt=aesthetic'),
      parseModelSpec('name=pair,clip=tiny-clip,layout=split,space=clip,positive=Sharp photo.,negative=Blurry photo.,logit_scale=1'),
    ];
    const r = await runIqaEval(options({ models, cacheDir: null }));
    expect(r.models.map((m) => m.name)).toEqual(['semantic', 'pair']);
    const files = writeEvalReports(r, path.join(work, 'out'));
    const json = JSON.parse(fs.readFileSync(files.json, 'utf8'));
    expect(Object.keys(json.models[0])).toEqual(expect.arrayContaining(['srcc', 'krcc', 'plcc', 'plccLogistic', 'n', 'msPerImage']));
    const csv = fs.readFileSync(files.csv, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('model,clip,projector,space,prompt,logit_scale,n,srcc,krcc,plcc,plcc_logistic,rmse_logistic,ms_per_image,encoded,cached,warnings');
    expect(csv).toHaveLength(3);
    expect(fs.readFileSync(files.predictions, 'utf8').split('\n')[0]).toBe('row,image,mos,semantic,pair');
  });

  it('refuses duplicate config names and bad specs before running', async () => {
    const m = parseModelSpec('name=a,clip=tiny-clip');
    await expect(runIqaEval(options({ models: [m, m] }))).rejects.toThrow(/two model configs are named "a"/);
    expect(() => parseModelSpec('clip=tiny-clip,space=colour')).toThrow(/space must be one of/);
    expect(() => parseModelSpec('clip=tiny-clip,prompt=nope')).toThrow(/unknown prompt preset 'nope'/);
    expect(() => parseModelSpec('name=x')).toThrow(/clip=<model folder> is required/);
  });
});
