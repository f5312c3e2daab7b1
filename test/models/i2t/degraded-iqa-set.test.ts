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
