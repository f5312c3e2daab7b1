import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDegradedIqaSet } from '../../../models/i2t/degraded-iqa-set.js';
import { readIqaLabels, verifyLabelImages } from '../../../models/iqa/labels.js';
import { spearman } from '../../../models/metrics/correlation.js';

describe('makeDegradedIqaSet', () => {
  it('writes images and a labels CSV that readIqaLabels accepts, MOS falling with the level', async () => {
    const set = await makeDegradedIqaSet(mkdtempSync(path.join(os.tmpdir(), 'pg-')), { n: 30, seed: 3 });
    const labels = readIqaLabels(set.labelsFile, { imageDir: set.imageDir });
    expect(labels.problems).toEqual([]);
    expect(labels.rows).toHaveLength(30);
    expect(new Set(set.items.map((i) => i.distortion))).toEqual(new Set(['blur', 'noise', 'jpeg']));
    expect(spearman(set.items.map((i) => i.level), set.items.map((i) => i.mos))).toBeLessThan(-0.9);
  });

  it('makes a set of only the distortion kinds asked for, and refuses an empty or unknown list', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-'));
    const set = await makeDegradedIqaSet(dir, { n: 8, seed: 2, size: 16, distortions: ['blur', 'jpeg'] });
    expect(set.items.map((i) => i.distortion)).toEqual(['blur', 'jpeg', 'blur', 'jpeg', 'blur', 'jpeg', 'blur', 'jpeg']);
    expect(set.items.filter((i) => i.distortion === 'jpeg').every((i) => i.image.endsWith('.jpg'))).toBe(true);
    expect(readIqaLabels(set.labelsFile, { imageDir: set.imageDir }).rows).toHaveLength(8);
    await expect(makeDegradedIqaSet(dir, { distortions: [] })).rejects.toThrow(/at least one of blur, noise, jpeg/);
    await expect(makeDegradedIqaSet(dir, { distortions: ['blur', 'sepia' as 'blur'] })).rejects.toThrow(/unknown distortion kind\(s\) sepia/);
  });

  it('adds one bad row of each kind at the row numbers it reports', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-'));
    const set = await makeDegradedIqaSet(dir, { n: 6, seed: 1, badRows: true });
    const labels = readIqaLabels(set.labelsFile, { imageDir: set.imageDir });
    const bad = set.badRows!;
    expect(labels.problems.map((p) => [p.row, p.code])).toEqual([
      [bad.missingFile, 'missing_file'],
      [bad.nonNumericMos, 'non_numeric_mos'],
      [bad.duplicateName, 'duplicate_name'],
    ]);
    // The undecodable image passes the label check (it exists) and is caught when its header is read.
    expect(labels.rows.at(-1)).toMatchObject({ row: bad.undecodableImage, image: 'corrupt.jpg' });
    const verified = await verifyLabelImages(labels);
    expect(verified.problems.at(-1)).toMatchObject({ row: bad.undecodableImage, code: 'undecodable_image' });
    expect(verified.rows).toHaveLength(6);
  });
});
