import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readI2tDataset } from '../../../models/i2t/dataset.js';
import { filterDescriptions } from '../../../models/i2t/filter.js';
import { generateSyntheticI2t, SYNTH_CONTROLLED_FACTORS, type SynthFactorSet, type SynthResult } from '../../../models/i2t/synth.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'pg-'));
const FACTORS = ['blur', 'noise', 'brightness', 'contrast', 'jpeg'] as const;

let set: SynthResult;

beforeAll(async () => {
  set = await generateSyntheticI2t({ outDir: tmp(), n: 150, seed: 5, factorSet: 'controlled' });
});

describe("generateSyntheticI2t with factorSet 'controlled'", () => {
  it('applies the controlled levels, every level of every factor, and records the set in factors.json', () => {
    for (const f of FACTORS) {
      const seen = new Set(set.items.map((it) => it.levels[f]));
      expect(seen.size).toBe(SYNTH_CONTROLLED_FACTORS[f].values.length);
    }
    for (const it of set.items) expect(it.blurSigma).toBe(SYNTH_CONTROLLED_FACTORS.blur.values[it.levels.blur]);
    expect(Math.max(...set.items.map((it) => it.blurSigma))).toBe(4);
    const factors = JSON.parse(readFileSync(set.factorsFile, 'utf8'));
    expect(factors).toMatchObject({ factorSet: 'controlled', factors: { blur: [0, 1.2, 2.4, 4] } });
  });

  it('words each level combination with one fixed text, and different combinations differently', () => {
    const byCombo = new Map<string, Set<string>>();
    for (const it of set.items) {
      const key = FACTORS.map((f) => it.levels[f]).join('');
      byCombo.set(key, (byCombo.get(key) ?? new Set()).add(it.perceptual));
    }
    expect([...byCombo.values()].every((texts) => texts.size === 1)).toBe(true);
    expect(new Set(set.items.map((it) => it.perceptual)).size).toBe(byCombo.size);
    const sharp = set.items.find((it) => it.levels.blur === 0)!;
    expect(sharp.perceptual.startsWith('sharp, crisp, ')).toBe(true);
  });

  it('keeps every description under the default perceptual filter', async () => {
    const data = await readI2tDataset(set.dataFile, { checkImages: 'none' });
    expect(data.problems).toEqual([]);
    expect(filterDescriptions(data.rows).report.dropped).toBe(0);
  });

  it('rejects an unknown factor set by name', async () => {
    await expect(generateSyntheticI2t({ outDir: tmp(), n: 2, factorSet: 'wild' as SynthFactorSet })).rejects.toThrow(/factorSet 'wild'/);
  });
});
