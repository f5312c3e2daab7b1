import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { readI2tDataset } from '../../../models/i2t/dataset.js';
import { filterDescriptions } from '../../../models/i2t/filter.js';
import { generateSyntheticI2t, type SynthResult } from '../../../models/i2t/synth.js';
import { renderDegraded } from '../../../models/i2t/synth-render.js';
import { spearman } from '../../../models/metrics/correlation.js';
import { countPerceptualTerms } from '../../../models/vocab/vocabulary.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'pg-'));
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Mean absolute horizontal gradient of a greyscale decode: drops as blur rises. */
async function sharpness(file: string | Buffer): Promise<number> {
  const { data, info } = await sharp(file).greyscale().raw().toBuffer({ resolveWithObject: true });
  let s = 0;
  for (let y = 0; y < info.height; y++) {
    for (let x = 1; x < info.width; x++) s += Math.abs(data[y * info.width + x]! - data[y * info.width + x - 1]!);
  }
  return s / (info.height * (info.width - 1));
}

let a: SynthResult;

beforeAll(async () => {
  a = await generateSyntheticI2t({ outDir: tmp(), n: 120, seed: 7 });
});

describe('generateSyntheticI2t', () => {
  it('writes images, an I&2T file that reads back without bad rows, and factors.json', async () => {
    const data = await readI2tDataset(a.dataFile);
    expect(data.problems).toEqual([]);
    expect(data.rows).toHaveLength(120);
    const meta = await sharp(data.rows[0]!.imagePath).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([64, 64, 'jpeg']);
    const factors = JSON.parse(readFileSync(a.factorsFile, 'utf8'));
    expect(factors).toMatchObject({ seed: 7, size: 64, n: 120 });
    expect(factors.items[3]).toEqual(JSON.parse(JSON.stringify(a.items[3])));
  });

  it('describes perception with enough vocabulary terms for the default filter, and content with none', async () => {
    const data = await readI2tDataset(a.dataFile, { checkImages: 'none' });
    expect(filterDescriptions(data.rows).report.dropped).toBe(0);
    for (const item of a.items) expect(countPerceptualTerms(item.semantic).count).toBe(0);
    expect(a.items[0]!.semantic).toMatch(/^a photo of (a|an|two|three) \w+ \w+/);
  });

  it('covers every level of every factor', () => {
    for (const f of ['blur', 'noise', 'brightness', 'contrast', 'jpeg'] as const) {
      const seen = new Set(a.items.map((it) => it.levels[f]));
      expect(seen.size).toBe(f === 'brightness' || f === 'contrast' ? 3 : 4);
    }
  });

  it('makes images whose measured sharpness falls with the recorded blur level', async () => {
    // Only noise-free, full-quality images, so blur is the main thing left to change the gradient.
    // Each is compared with its own scene rendered with the same exposure, contrast and JPEG quality but no
    // blur, so content (shape, count, colours), tone and JPEG ringing drop out of the measure.
    const clean = a.items.filter((it) => it.levels.noise === 0 && it.levels.jpeg <= 1);
    expect(clean.length).toBeGreaterThan(5);
    const measured = await Promise.all(clean.map(async (it) => {
      const unblurred = { blurSigma: 0, noiseStd: 0, brightness: it.brightness, contrast: it.contrast, jpegQuality: it.jpegQuality };
      const ref = await sharpness(await renderDegraded(it, unblurred, { size: 64, noiseSeed: 0 }));
      return (await sharpness(path.join(path.dirname(a.dataFile), it.image))) / ref;
    }));
    expect(spearman(clean.map((it) => it.blurSigma), measured)).toBeLessThan(-0.8);
  });

  it('is deterministic by seed, and another seed gives other data', async () => {
    const again = await generateSyntheticI2t({ outDir: tmp(), n: 120, seed: 7 });
    expect(sha(again.dataFile)).toBe(sha(a.dataFile));
    expect(sha(again.factorsFile)).toBe(sha(a.factorsFile));
    for (const k of [0, 57, 119]) {
      expect(sha(path.join(again.imageDir, `img_${String(k).padStart(5, '0')}.jpg`)))
        .toBe(sha(path.join(a.imageDir, `img_${String(k).padStart(5, '0')}.jpg`)));
    }
    const other = await generateSyntheticI2t({ outDir: tmp(), n: 20, seed: 8, format: 'jsonl' });
    expect(other.dataFile.endsWith('i2t.jsonl')).toBe(true);
    expect(other.items.map((i) => i.perceptual)).not.toEqual(a.items.slice(0, 20).map((i) => i.perceptual));
  });
});
