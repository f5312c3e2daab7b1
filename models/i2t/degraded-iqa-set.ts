/**
 * A tiny labelled IQA set for the `iqa eval` end-to-end test: reference scenes degraded by known amounts of
 * blur, Gaussian noise or JPEG compression, with a synthetic MOS that falls with the distortion level. Optional
 * bad rows (missing file, non-numeric MOS, duplicate name, undecodable image) exercise the harness's reporting.
 * The MOS is made up; it says nothing about how well any model ranks quality.
 */

import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatCsv } from '../csv.js';
import { createRng, deriveSeed, forEachLimited, randomScene, renderDegraded, type Degradation } from './synth-render.js';

/** Distortion kinds and their values per level (level 0 = pristine, 4 = worst). */
export const IQA_DISTORTIONS = {
  blur: [0, 0.8, 1.6, 3, 5],
  noise: [0, 0.03, 0.07, 0.14, 0.25],
  jpeg: [95, 60, 30, 15, 6],
} as const;

/** One distortion kind of {@link IQA_DISTORTIONS}. */
export type IqaDistortion = keyof typeof IQA_DISTORTIONS;

/** Every kind, in the order rows cycle through them by default. */
export const IQA_DISTORTION_KINDS = Object.keys(IQA_DISTORTIONS) as IqaDistortion[];

/** Options of {@link makeDegradedIqaSet}. */
export interface DegradedIqaOptions {
  /** Number of labelled images (default 24). */
  readonly n?: number;
  readonly seed?: number;
  /** Image side in pixels (default 64). */
  readonly size?: number;
  /** Distinct reference scenes (default 4). */
  readonly references?: number;
  /** Append one row of each bad kind after the good rows (default false). */
  readonly badRows?: boolean;
  /**
   * The kinds rows cycle through (default all of {@link IQA_DISTORTIONS}): a subset makes a set of one distribution,
   * so that prompt learning can train on some kinds and be tested on others (test/models/coop/).
   */
  readonly distortions?: readonly IqaDistortion[];
}

/** One good labelled image. */
export interface DegradedIqaItem {
  /** File name inside `imageDir`. */
  readonly image: string;
  /** Synthetic MOS on 0..100, higher = better. */
  readonly mos: number;
  readonly distortion: IqaDistortion;
  /** 0 (pristine) … 4 (worst). */
  readonly level: number;
  readonly reference: number;
}

/** What {@link makeDegradedIqaSet} wrote. Row numbers are 1-based lines of `labelsFile` (header = line 1). */
export interface DegradedIqaSet {
  readonly imageDir: string;
  /** CSV with header image,mos,distortion,level,reference (auto-detected by `readIqaLabels`). */
  readonly labelsFile: string;
  readonly items: readonly DegradedIqaItem[];
  readonly badRows?: {
    readonly missingFile: number;
    readonly nonNumericMos: number;
    readonly duplicateName: number;
    readonly undecodableImage: number;
  };
}

const defaults = { n: 24, seed: 0, size: 64, references: 4, badRows: false, distortions: IQA_DISTORTION_KINDS } satisfies DegradedIqaOptions;

/**
 * Writes `dir/images/*` and `dir/labels.csv`.
 * @throws Error when `distortions` is empty or names a kind that is not in {@link IQA_DISTORTIONS}
 */
export async function makeDegradedIqaSet(dir: string, options: DegradedIqaOptions = {}): Promise<DegradedIqaSet> {
  const { n, seed, size, references, badRows, distortions: kinds } = { ...defaults, ...options };
  checkDistortions(kinds);
  const imageDir = path.join(path.resolve(dir), 'images');
  mkdirSync(imageDir, { recursive: true });
  const rng = createRng(seed);
  const scenes = Array.from({ length: references }, () => randomScene(rng));
  const items: DegradedIqaItem[] = Array.from({ length: n }, (_, i) => {
    const distortion = kinds[i % kinds.length]!;
    const level = rng.int(5);
    // 90 for pristine down to ~18 for level 4, ± 3 of made-up rater disagreement.
    const mos = Math.round((90 - 18 * level + (rng.next() * 6 - 3)) * 100) / 100;
    const ext = distortion === 'jpeg' ? 'jpg' : 'png';
    return { image: `dist_${String(i).padStart(4, '0')}.${ext}`, mos, distortion, level, reference: i % references };
  });
  await forEachLimited(items, 8, async (item, i) => {
    const bytes = await renderDegraded(scenes[item.reference]!, degradation(item), { size, noiseSeed: deriveSeed(seed, i) });
    writeFileSync(path.join(imageDir, item.image), bytes);
  });
  const table = [
    ['image', 'mos', 'distortion', 'level', 'reference'],
    ...items.map((it) => [it.image, String(it.mos), it.distortion, String(it.level), String(it.reference)]),
  ];
  let bad: DegradedIqaSet['badRows'];
  if (badRows && items.length > 0) {
    writeFileSync(path.join(imageDir, 'corrupt.jpg'), 'this is not a JPEG');
    const first = items[0]!.image;
    // The non-numeric row names an existing, otherwise unlabelled image so that only its MOS is at fault.
    const nanImage = `nan_mos${path.extname(first)}`;
    copyFileSync(path.join(imageDir, first), path.join(imageDir, nanImage));
    const line = table.length + 1; // next 1-based line number
    table.push(['missing_0000.png', '50', 'none', '0', '0'], [nanImage, 'n/a', 'none', '0', '0'],
      [first, '42', 'none', '0', '0'], ['corrupt.jpg', '40', 'none', '0', '0']);
    bad = { missingFile: line, nonNumericMos: line + 1, duplicateName: line + 2, undecodableImage: line + 3 };
  }
  const labelsFile = path.join(path.resolve(dir), 'labels.csv');
  writeFileSync(labelsFile, formatCsv(table));
  return { imageDir, labelsFile, items, ...(bad ? { badRows: bad } : {}) };
}

function checkDistortions(kinds: readonly string[]): void {
  if (kinds.length === 0) throw new Error(`distortions must name at least one of ${IQA_DISTORTION_KINDS.join(', ')}`);
  const unknown = kinds.filter((k) => !(IQA_DISTORTION_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new Error(`unknown distortion kind(s) ${unknown.join(', ')}: expected ${IQA_DISTORTION_KINDS.join(', ')}`);
}

function degradation(item: DegradedIqaItem): Degradation {
  const v = IQA_DISTORTIONS[item.distortion][item.level]!;
  return {
    blurSigma: item.distortion === 'blur' ? v : 0,
    noiseStd: item.distortion === 'noise' ? v : 0,
    brightness: 0,
    contrast: 1,
    jpegQuality: item.distortion === 'jpeg' ? v : null,
  };
}
