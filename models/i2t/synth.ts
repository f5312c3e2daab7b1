/**
 * Synthetic I&2T data (`perceptgraph i2t synth`): small shape images whose semantic content (shape, colour,
 * count, position, background) and perceptual factors (blur, noise, brightness, contrast, JPEG quality) are both
 * controlled and described — the first in T_s, the second in T_p with perceptual-vocabulary words, so
 * `i2t filter` keeps every row. `factors.json` records the ground-truth levels, e.g. to compute SRCC against
 * blur. Deterministic for a given seed.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeI2tDataset } from './write-dataset.js';
import {
  createRng,
  deriveSeed,
  forEachLimited,
  randomScene,
  renderDegraded,
  semanticText,
  type Degradation,
  type Rng,
  type Scene,
} from './synth-render.js';

export { makeDegradedIqaSet, type DegradedIqaSet, type DegradedIqaOptions } from './degraded-iqa-set.js';

/**
 * Factor levels, mildest first, each with phrases built from vocabulary terms. Two phrases of a level are
 * used per image, and every phrase holds ≥ 1 term, so a description has ≥ 10 terms (the filter wants 7).
 */
export const SYNTH_FACTORS = {
  blur: {
    values: [0, 0.8, 1.6, 3],
    phrases: [
      ['tack-sharp', 'crisp', 'in focus', 'fine detail'],
      ['slightly soft', 'mostly sharp', 'a little fuzzy'],
      ['blurry', 'soft focus', 'fuzzy edges'],
      ['very blurry', 'out of focus', 'smeared', 'mushy'],
    ],
  },
  noise: {
    values: [0, 0.03, 0.07, 0.14],
    phrases: [
      ['clean', 'noise-free', 'noiseless'],
      ['low noise', 'fine film grain', 'slight grain'],
      ['noisy', 'grainy', 'speckled'],
      ['heavy noise', 'very grainy', 'mottled'],
    ],
  },
  brightness: {
    values: [-0.15, 0, 0.15],
    phrases: [
      ['dark', 'underexposed', 'dim'],
      ['well-exposed', 'properly exposed', 'balanced exposure'],
      ['bright', 'overexposed', 'washed out'],
    ],
  },
  contrast: {
    values: [0.6, 1, 1.4],
    phrases: [
      ['low contrast', 'flat', 'muted'],
      ['balanced contrast', 'natural contrast', 'even tones'],
      ['high contrast', 'punchy', 'contrasty'],
    ],
  },
  jpeg: {
    values: [95, 50, 25, 10],
    phrases: [
      ['no compression artifacts', 'clean encoding', 'free of jpeg artifacts'],
      ['mild compression', 'slightly compressed', 'faint jpeg artifacts'],
      ['compression artifacts', 'blocky', 'jpeg artifacts'],
      ['very blocky', 'pixelated', 'heavily compressed', 'banding'],
    ],
  },
} as const;

/** Factor name. */
export type SynthFactor = keyof typeof SYNTH_FACTORS;

/** Levels of every factor: applied values (mildest first) and the vocabulary phrases that describe each level. */
export type SynthFactorTable = {
  readonly [F in SynthFactor]: { readonly values: readonly number[]; readonly phrases: readonly (readonly string[])[] };
};

/**
 * The 'controlled' factor set: fewer, wider-spaced levels (blur up to 4 px on 64 px images) so each level is
 * visibly distinct, and exactly two phrases per level that are always used together, in factor order. A
 * perceptual text is thus a function of the level combination alone (no random wording), and the wording of the
 * blur levels grades from "sharp" to "very blurry", the words of the usual sharp/blurry IQA antonym prompts.
 * Factors still vary independently and uniformly.
 */
export const SYNTH_CONTROLLED_FACTORS = {
  blur: {
    values: [0, 1.2, 2.4, 4],
    phrases: [['sharp', 'crisp'], ['slightly blurry', 'soft'], ['blurry', 'soft focus'], ['very blurry', 'out of focus']],
  },
  noise: {
    values: [0, 0.05, 0.12],
    phrases: [['clean', 'noise-free'], ['slightly noisy', 'fine grain'], ['very noisy', 'heavy noise']],
  },
  brightness: {
    values: [-0.2, 0, 0.2],
    phrases: [['dark', 'underexposed'], ['well-exposed', 'balanced brightness'], ['bright', 'overexposed']],
  },
  contrast: {
    values: [0.5, 1, 1.6],
    phrases: [['low contrast', 'flat'], ['natural contrast', 'even tones'], ['high contrast', 'punchy']],
  },
  jpeg: {
    values: [95, 15],
    phrases: [['high quality', 'no compression'], ['heavily compressed', 'jpeg artifacts']],
  },
} as const satisfies SynthFactorTable;

/** Which factor table and wording a set uses. */
export const SYNTH_FACTOR_SETS = { default: SYNTH_FACTORS, controlled: SYNTH_CONTROLLED_FACTORS } as const satisfies Record<string, SynthFactorTable>;

/** Name of a factor set: 'default' (mixed levels, two random phrases per factor) or 'controlled'. */
export type SynthFactorSet = keyof typeof SYNTH_FACTOR_SETS;

/** One generated image with its ground truth. */
export interface SynthItem extends Scene {
  /** Image path relative to the output folder ('images/img_00000.jpg'). */
  readonly image: string;
  readonly semantic: string;
  readonly perceptual: string;
  /** Level index per factor (0 = mildest; for brightness and contrast 1 = unchanged). */
  readonly levels: Readonly<Record<SynthFactor, number>>;
  /** Applied values: blur sigma px, noise std (0..1), brightness offset (0..1), contrast gain, JPEG quality. */
  readonly blurSigma: number;
  readonly noiseStd: number;
  readonly brightness: number;
  readonly contrast: number;
  readonly jpegQuality: number;
}

/** Options of {@link generateSyntheticI2t}. */
export interface SynthOptions {
  readonly outDir: string;
  /** Number of images (default 300). */
  readonly n?: number;
  /** Square image side in pixels (default 64). */
  readonly size?: number;
  readonly seed?: number;
  /** Data file layout (default 'csv' → i2t.csv; 'jsonl' → i2t.jsonl). */
  readonly format?: 'csv' | 'jsonl';
  /** Images encoded in parallel (default 8). */
  readonly concurrency?: number;
  /** Factor levels and wording (default 'default'; see {@link SYNTH_CONTROLLED_FACTORS}). */
  readonly factorSet?: SynthFactorSet;
}

/** What {@link generateSyntheticI2t} wrote. */
export interface SynthResult {
  readonly dataFile: string;
  readonly factorsFile: string;
  readonly imageDir: string;
  readonly items: readonly SynthItem[];
}

const defaults = { n: 300, size: 64, seed: 0, format: 'csv', concurrency: 8, factorSet: 'default' } satisfies Omit<SynthOptions, 'outDir'>;

/** Generates the set into `outDir` (images/, i2t.csv or i2t.jsonl, factors.json). */
export async function generateSyntheticI2t(options: SynthOptions): Promise<SynthResult> {
  const { n, size, seed, format, concurrency, factorSet } = { ...defaults, ...options };
  const table: SynthFactorTable = SYNTH_FACTOR_SETS[factorSet];
  if (!table) throw new Error(`synth: unknown factorSet '${factorSet}' (expected ${Object.keys(SYNTH_FACTOR_SETS).join(' or ')})`);
  const outDir = path.resolve(options.outDir);
  const imageDir = path.join(outDir, 'images');
  mkdirSync(imageDir, { recursive: true });
  const rng = createRng(seed);
  const items = Array.from({ length: n }, (_, i) => planItem(rng, i, factorSet));
  await forEachLimited(items, concurrency, async (item, i) => {
    const bytes = await renderDegraded(item, degradationOf(item), { size, noiseSeed: deriveSeed(seed, i) });
    writeFileSync(path.join(outDir, item.image), bytes);
  });
  const dataFile = path.join(outDir, format === 'jsonl' ? 'i2t.jsonl' : 'i2t.csv');
  writeI2tDataset(dataFile, items.map((it) => ({ ...it, imagePath: path.join(outDir, it.image) })), format);
  const factorsFile = path.join(outDir, 'factors.json');
  const factorValues = Object.fromEntries(Object.entries(table).map(([k, f]) => [k, f.values]));
  // The default set keeps its original factors.json bytes (no factorSet key), so existing files stay comparable.
  const setKey = factorSet === 'default' ? {} : { factorSet };
  writeFileSync(factorsFile, JSON.stringify({ version: 1, seed, size, n, ...setKey, factors: factorValues, items }, null, 1) + '\n');
  return { dataFile, factorsFile, imageDir, items };
}

function planItem(rng: Rng, index: number, factorSet: SynthFactorSet): SynthItem {
  const table: SynthFactorTable = SYNTH_FACTOR_SETS[factorSet];
  const factors = Object.keys(SYNTH_FACTORS) as SynthFactor[];
  const scene = randomScene(rng);
  const levels = Object.fromEntries(factors.map((f) => [f, rng.int(table[f].values.length)])) as Record<SynthFactor, number>;
  // The default set words each level with two random phrases; the controlled set always with the same two.
  const phrases = factors.flatMap((f) => (factorSet === 'default' ? pickTwo(rng, table[f].phrases[levels[f]]!) : table[f].phrases[levels[f]]!));
  const value = (f: SynthFactor) => table[f].values[levels[f]]!;
  return {
    ...scene,
    image: `images/img_${String(index).padStart(5, '0')}.jpg`,
    semantic: semanticText(scene),
    perceptual: phrases.join(', '),
    levels,
    blurSigma: value('blur'),
    noiseStd: value('noise'),
    brightness: value('brightness'),
    contrast: value('contrast'),
    jpegQuality: value('jpeg'),
  };
}

function pickTwo(rng: Rng, list: readonly string[]): string[] {
  const first = rng.int(list.length);
  const second = (first + 1 + rng.int(list.length - 1)) % list.length;
  return [list[first]!, list[second]!];
}

function degradationOf(item: SynthItem): Degradation {
  const { blurSigma, noiseStd, brightness, contrast, jpegQuality } = item;
  return { blurSigma, noiseStd, brightness, contrast, jpegQuality };
}
