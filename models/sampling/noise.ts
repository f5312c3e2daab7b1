/**
 * Deterministic noise for sampling, from PyTorch's CPU generator (see `torch-random.ts`), so a seed gives
 * ComfyUI's noise. Matched against ComfyUI as of PR #11528 (Comfy-Org/ComfyUI, "Fix noise with ancestral samplers
 * when inferencing on cpu"; `comfy/sample.py` `prepare_noise`, `comfy/k_diffusion/sampling.py`
 * `default_noise_sampler`), with golden end-to-end values in `test/models/sampling/ksampler-golden.test.ts`.
 *
 * The batch rule (`NoiseRule`):
 * - `'comfy-batch-stream'` (the default, ComfyUI's rule): the whole `[B, …]` batch is one `torch.randn` draw from one
 *   generator seeded with the seed (with a batch index, one [1, …] draw per index 0 … max in order), so a ComfyUI
 *   workflow with batch_size 4 gives the same four images here. Image i then depends on its batch position.
 * - `'seed-plus-index'` (an option): image i of a batch is drawn on its own generator seeded with seed + i
 *   (seed + batchIndex[i] when the latent carries a batch index), so image i equals the same prompt run alone at
 *   batch 1 with seed + i, whatever its batch position. GatedGenerate uses it, so the seed it reports per image
 *   reproduces that image alone.
 *
 * Step noise (ancestral / SDE samplers) follows current ComfyUI on the CPU: a second generator seeded with seed + 1
 * (`default_noise_sampler` adds 1 when the latent is on the CPU, so step noise is not the starting noise again),
 * drawing a fresh latent-shaped tensor per step; under `'seed-plus-index'` image i uses (seed + i) + 1. (ComfyUI
 * before PR #11528 seeded it with the seed itself; on a GPU it uses the device's generator, which no CPU port
 * can reproduce.)
 *
 * Seeds are unsigned 64-bit (ComfyUI's range 0 … 2^64−1); pass a bigint beyond 2^53. Sums wrap mod 2^64.
 */
import { sizeOf } from '../tensors.js';
import type { NoiseSource } from './samplers/sampler.js';
import { TorchCpuGenerator } from './torch-random.js';

/** How noise is assigned to the images of a batch; see the module comment. */
export type NoiseRule = 'seed-plus-index' | 'comfy-batch-stream';

/** The default batch rule: ComfyUI's. */
export const defaultNoiseRule: NoiseRule = 'comfy-batch-stream';

/** A seed as callers hold it: a bigint, or a number that is a safe non-negative integer. */
export type Seed = bigint | number;

const U64 = 1n << 64n;

/** Validates a seed and returns it as a bigint in [0, 2^64). */
export function toSeed(seed: Seed): bigint {
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new Error(`seed must be a non-negative safe integer (or a bigint up to 2^64-1), got ${seed}`);
    }
    return BigInt(seed);
  }
  if (seed < 0n || seed >= U64) throw new Error(`seed must be in 0 … 2^64-1, got ${seed}`);
  return seed;
}

/** seed + offset mod 2^64. */
export function offsetSeed(seed: Seed, offset: number | bigint): bigint {
  return BigInt.asUintN(64, toSeed(seed) + BigInt(offset));
}

/** Options for {@link latentNoise} and {@link stepNoiseSource}. */
export interface NoiseOptions {
  readonly seed: Seed;
  /** Latent dims [B, C, h, w] (any rank ≥ 1; the first axis is the batch). */
  readonly dims: readonly number[];
  /** Per-image seed offsets (ComfyUI's `batch_index`); defaults to 0 … B−1. */
  readonly batchIndex?: readonly number[];
  readonly rule?: NoiseRule;
}

function batchOffsets(dims: readonly number[], batchIndex: readonly number[] | undefined): readonly number[] {
  const b = dims[0] ?? 1;
  if (batchIndex === undefined) return Array.from({ length: b }, (_, i) => i);
  if (batchIndex.length !== b || batchIndex.some((i) => !Number.isInteger(i) || i < 0)) {
    throw new Error(`batchIndex must hold ${b} non-negative integers (one per image), got [${batchIndex.join(',')}]`);
  }
  return batchIndex;
}

/** The starting noise for a latent batch: N(0, 1) shaped like `dims`, deterministic in seed and rule. */
export function latentNoise({ seed, dims, batchIndex, rule = defaultNoiseRule }: NoiseOptions): Float32Array {
  const offsets = batchOffsets(dims, batchIndex);
  const per = sizeOf(dims.slice(1));
  const out = new Float32Array(per * offsets.length);
  if (rule === 'seed-plus-index') {
    offsets.forEach((o, i) => out.set(new TorchCpuGenerator(offsetSeed(seed, o)).randn(per), i * per));
    return out;
  }
  const gen = new TorchCpuGenerator(toSeed(seed));
  if (batchIndex === undefined) return gen.randn(out.length);
  // ComfyUI `prepare_noise` with a batch index: draw [1, …] per index 0 … max in order, keep the ones used.
  const draws: Float32Array[] = [];
  for (let k = 0; k <= Math.max(...offsets); k++) draws.push(gen.randn(per));
  offsets.forEach((o, i) => out.set(draws[o]!, i * per));
  return out;
}

/** The step-noise source a stochastic sampler draws from (ancestral / SDE steps), as described above. */
export function stepNoiseSource({ seed, dims, batchIndex, rule = defaultNoiseRule }: NoiseOptions): NoiseSource {
  const offsets = batchOffsets(dims, batchIndex);
  const per = sizeOf(dims.slice(1));
  const check = (d: readonly number[]) => {
    if (sizeOf(d) !== per * offsets.length) {
      throw new Error(`step noise: asked for [${d.join(',')}] but the source was made for [${dims.join(',')}]`);
    }
  };
  if (rule === 'comfy-batch-stream') {
    const gen = new TorchCpuGenerator(offsetSeed(seed, 1));
    return { next: (d) => (check(d), gen.randn(sizeOf(d))) };
  }
  const gens = offsets.map((o) => new TorchCpuGenerator(offsetSeed(seed, BigInt(o) + 1n)));
  return {
    next(d) {
      check(d);
      const out = new Float32Array(per * gens.length);
      gens.forEach((g, i) => out.set(g.randn(per), i * per));
      return out;
    },
  };
}
