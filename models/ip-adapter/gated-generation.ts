/**
 * Quality-gated generation (docs/declip-iqa.md): sample, score, and re-sample with the next seeds until enough images clear
 * a threshold or `maxTries` runs out. Generation and scoring are callbacks (the GatedGenerate node passes the SD
 * sampler + VAE and the DeCLIP IQA maths), so this module is only the loop and its bookkeeping:
 * - try t samples the latent batch of B images with seed s₀ + t·B, so image j of try t has the noise of seed
 *   s₀ + t·B + j (the SD sampler's seed-plus-index rule) and no seed is ever reused;
 * - every try and every score is kept and reported;
 * - if nothing passes, the single best image is returned with `passed: false`, never an empty result.
 */
import { offsetSeed, type Seed } from '../sampling/noise.js';
import type { Scores } from '../declip/types.js';
import { concatBatch, sliceBatch, type ImageBatch } from '../tensors.js';

/** One try: its first seed, the per-image seeds and scores, and which images passed. */
export interface GatedTry {
  /** 0-based. */
  readonly index: number;
  readonly seed: bigint;
  /** One per image of the try. */
  readonly seeds: readonly bigint[];
  readonly scores: readonly number[];
  readonly passed: readonly boolean[];
}

/** Options of {@link runGatedGeneration}. */
export interface GatedGenerationOptions {
  /** Samples one try: B images for the batch seeded with `seed` (image j gets seed + j). */
  readonly generate: (seed: bigint, tryIndex: number) => Promise<ImageBatch>;
  /** Scores a try's images: one value per image, higher is better. */
  readonly score: (images: ImageBatch) => Promise<Scores>;
  readonly seed: Seed;
  /** The lowest passing score (inclusive). */
  readonly threshold: number;
  /** At least 1. */
  readonly maxTries: number;
  /** Stop once this many images have passed over all tries; default 1. */
  readonly minKept?: number;
  readonly signal?: AbortSignal;
  /** After each try (for progress and logs). */
  readonly onTry?: (t: GatedTry, maxTries: number) => void;
}

/** What the loop returns. */
export interface GatedGenerationResult {
  /** The passing images in generation order, or the single best one when none passed. */
  readonly kept: ImageBatch;
  /** Scores of `kept`, same order. */
  readonly keptScores: readonly number[];
  readonly keptSeeds: readonly bigint[];
  /** Every image of every try, in generation order. */
  readonly all: ImageBatch;
  readonly allScores: readonly number[];
  readonly allSeeds: readonly bigint[];
  readonly tries: readonly GatedTry[];
  /** False when no image cleared the threshold (kept = best try's best image). */
  readonly passed: boolean;
  /** The label of the scores ("mean of technical attributes (DeCLIP perceptual)"). */
  readonly label: string;
}

function checkOptions(o: GatedGenerationOptions): void {
  if (!Number.isInteger(o.maxTries) || o.maxTries < 1) throw new Error(`GatedGenerate: max_tries must be an integer ≥ 1, got ${o.maxTries}`);
  const minKept = o.minKept ?? 1;
  if (!Number.isInteger(minKept) || minKept < 1) throw new Error(`GatedGenerate: min_kept must be an integer ≥ 1, got ${minKept}`);
  if (!Number.isFinite(o.threshold)) throw new Error(`GatedGenerate: threshold must be a finite number, got ${o.threshold}`);
}

/** Index of the highest finite score (the first on ties); 0 when none is finite. */
export function bestIndex(values: readonly number[]): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]) && (best < 0 || values[i]! > values[best]!)) best = i;
  return Math.max(best, 0);
}

/** Runs the loop; see the module comment. */
export async function runGatedGeneration(o: GatedGenerationOptions): Promise<GatedGenerationResult> {
  checkOptions(o);
  const minKept = o.minKept ?? 1;
  const tries: GatedTry[] = [];
  const batches: ImageBatch[] = [];
  let label = '';
  let seed = offsetSeed(o.seed, 0);
  let passing = 0;
  for (let t = 0; t < o.maxTries && passing < minKept; t++) {
    o.signal?.throwIfAborted();
    const images = await o.generate(seed, t);
    const scores = await o.score(images);
    const n = images.dims[0];
    if (scores.values.length !== n) throw new Error(`GatedGenerate: ${scores.values.length} score(s) for ${n} image(s) in try ${t + 1}`);
    label = scores.label;
    const passed = scores.values.map((v) => Number.isFinite(v) && v >= o.threshold);
    const entry: GatedTry = { index: t, seed, seeds: Array.from({ length: n }, (_, j) => offsetSeed(seed, j)), scores: [...scores.values], passed };
    tries.push(entry);
    batches.push(images);
    passing += passed.filter(Boolean).length;
    o.onTry?.(entry, o.maxTries);
    seed = offsetSeed(seed, n);
  }
  return collect(tries, batches, label);
}

function collect(tries: readonly GatedTry[], batches: readonly ImageBatch[], label: string): GatedGenerationResult {
  const all = concatBatch(batches);
  const allScores = tries.flatMap((t) => t.scores);
  const allSeeds = tries.flatMap((t) => t.seeds);
  const passedIdx = tries.flatMap((t) => t.passed).flatMap((p, i) => (p ? [i] : []));
  const passed = passedIdx.length > 0;
  const keep = passed ? passedIdx : [bestIndex(allScores)];
  const kept = concatBatch(keep.map((i) => sliceBatch(all, i, i + 1)));
  return {
    kept, keptScores: keep.map((i) => allScores[i]!), keptSeeds: keep.map((i) => allSeeds[i]!),
    all, allScores, allSeeds, tries, passed, label,
  };
}
