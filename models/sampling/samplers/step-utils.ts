import type { SampleOptions } from './sampler.js';

/**
 * Throws the signal's own abort reason when the run was aborted (checked once per step, so interrupts land within
 * one). The sampling maths knows nothing of the engine: the engine turns any failure of an aborted run into its
 * interrupt outcome.
 */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  signal?.throwIfAborted();
}

/** Calls the denoiser on `x` (shaped like the sampled latent) and checks the length of what comes back. */
export async function denoise(opts: SampleOptions, x: Float32Array, sigma: number): Promise<Float32Array> {
  const out = await opts.model({ data: x, dims: opts.x.dims }, sigma);
  if (out.length !== x.length) {
    throw new Error(
      `denoiser returned ${out.length} values at sigma ${sigma} for a latent of ${x.length} ([${opts.x.dims.join(',')}])`,
    );
  }
  return out;
}

/** Σ_k c_k·a_k elementwise, into a new array. All arrays must have the same length. */
export function lincomb(terms: readonly (readonly [number, Float32Array])[]): Float32Array {
  const n = terms[0]![1].length;
  const out = new Float32Array(n);
  for (const [c, a] of terms) {
    if (c === 0) continue;
    for (let i = 0; i < n; i++) out[i] += c * a[i]!;
  }
  return out;
}

/** The Karras ODE derivative d = (x − x0)/σ. */
export function toD(x: Float32Array, sigma: number, denoised: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i]! - denoised[i]!) / sigma;
  return out;
}

/** x + d·dt into a new array (one Euler step). */
export function eulerStep(x: Float32Array, d: Float32Array, dt: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! + d[i]! * dt;
  return out;
}

/**
 * Runs the per-step loop every sampler shares: copy x, then for each step check the interrupt, run `step`, report
 * progress. `step(i, x)` returns the new x and the step's denoised estimate.
 */
export async function runSteps(
  opts: SampleOptions,
  step: (i: number, x: Float32Array) => Promise<{ readonly x: Float32Array; readonly x0: Float32Array }>,
): Promise<Float32Array> {
  let x: Float32Array = Float32Array.from(opts.x.data);
  const total = Math.max(opts.sigmas.length - 1, 0);
  for (let i = 0; i < total; i++) {
    throwIfAborted(opts.signal);
    const r = await step(i, x);
    x = r.x;
    opts.onStep?.(i, total, r.x0);
  }
  return x;
}
