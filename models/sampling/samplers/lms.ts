import type { Sampler } from './sampler.js';
import { denoise, runSteps, toD } from './step-utils.js';

/** The LMS order k-diffusion uses by default. */
export const lmsDefaults = { order: 4 } as const;

// 3-point Gauss–Legendre nodes and weights on [−1, 1]: exact for polynomials up to degree 5, and the Lagrange
// basis of an order-4 method has degree 3, so this equals scipy's `quad` that k-diffusion uses.
const GL_NODES = [-Math.sqrt(3 / 5), 0, Math.sqrt(3 / 5)];
const GL_WEIGHTS = [5 / 9, 8 / 9, 5 / 9];

/**
 * k-diffusion `linear_multistep_coeff`: ∫_{σ_i}^{σ_{i+1}} of the Lagrange basis polynomial ℓ_j built on the
 * nodes σ_i, σ_{i−1}, …, σ_{i−order+1} (j = 0 is the newest).
 */
export function lmsCoefficient(order: number, sigmas: ArrayLike<number>, i: number, j: number): number {
  if (order - 1 > i) throw new Error(`lms: order ${order} too high for step ${i}`);
  const basis = (tau: number): number => {
    let p = 1;
    for (let k = 0; k < order; k++) {
      if (k !== j) p *= (tau - sigmas[i - k]!) / (sigmas[i - j]! - sigmas[i - k]!);
    }
    return p;
  };
  const a = sigmas[i]!;
  const b = sigmas[i + 1]!;
  const half = (b - a) / 2;
  let sum = 0;
  for (let q = 0; q < GL_NODES.length; q++) sum += GL_WEIGHTS[q]! * basis(a + half * (1 + GL_NODES[q]!));
  return sum * half;
}

/**
 * k-diffusion `sample_lms` (order 4) as ComfyUI runs it: x ← x + Σ_j c_j·d_{i−j} over the last min(i+1, 4) slopes
 * d = (x − x0)/σ, with c_j from {@link lmsCoefficient}; a step to σ = 0 returns the model's x0 (ComfyUI's
 * "denoising step", `comfy/k_diffusion/sampling.py`), not a full LMS step.
 */
export const lms: Sampler = {
  name: 'lms',
  discardPenultimateSigma: false,
  sample(opts) {
    const s = opts.sigmas;
    const ds: Float32Array[] = [];
    return runSteps(opts, async (i, x) => {
      const x0 = await denoise(opts, x, s[i]!);
      ds.push(toD(x, s[i]!, x0));
      if (ds.length > lmsDefaults.order) ds.shift();
      if (s[i + 1] === 0) return { x: Float32Array.from(x0), x0 };
      const order = Math.min(i + 1, lmsDefaults.order);
      const out = Float32Array.from(x);
      for (let j = 0; j < order; j++) {
        const c = lmsCoefficient(order, s, i, j);
        const d = ds[ds.length - 1 - j]!;
        for (let k = 0; k < out.length; k++) out[k] += c * d[k]!;
      }
      return { x: out, x0 };
    });
  },
};
