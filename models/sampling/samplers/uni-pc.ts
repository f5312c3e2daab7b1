import type { Sampler, SampleOptions } from './sampler.js';
import { denoise, lincomb, throwIfAborted } from './step-utils.js';

/**
 * UniPC (Zhao et al. 2023, arXiv:2302.04867) as ComfyUI runs it (`comfy/extra_samplers/uni_pc.py`,
 * `sample_unipc`): multistep, data prediction (x0), B(h) = h ("bh1"), order min(3, steps − 1), lower orders on
 * the first and final steps, corrector on every step but the last. It works in VP variables:
 * α = 1/√(σ²+1), std = σ·α, λ = −ln σ, x_vp = α·x. A final σ of 0 is replaced by 0.001 (ComfyUI does the same),
 * and the result is divided by α(σ_last) to return to VE form.
 *
 * Steps = 1 matches ComfyUI too: its order is then min(3, 0) = 0, the loop evaluates the model once and never
 * updates x, and the result is the input rescaled by α(σ_0)/α(0.001), i.e. still noisy. That is what a ComfyUI user
 * gets for the same seed, so it is what we return (use more steps for a useful uni_pc image).
 */
export const uniPc: Sampler = {
  name: 'uni_pc',
  discardPenultimateSigma: true,
  async sample(opts) {
    const n = opts.sigmas.length;
    if (n < 2) return Float32Array.from(opts.x.data);
    const ts = Float64Array.from(opts.sigmas as ArrayLike<number>);
    if (ts[n - 1] === 0) ts[n - 1] = 0.001;
    const steps = n - 1;
    const order = Math.min(3, steps - 1);
    const alpha0 = 1 / Math.sqrt(1 + ts[0]! ** 2);
    let x = lincomb([[alpha0, Float32Array.from(opts.x.data)]]);
    const modelX0 = (xv: Float32Array, sigma: number): Promise<Float32Array> =>
      denoise(opts, lincomb([[Math.sqrt(sigma ** 2 + 1), xv]]), sigma);

    throwIfAborted(opts.signal);
    const prevModels: Float32Array[] = [await modelX0(x, ts[0]!)];
    const prevTs: number[] = [ts[0]!];
    if (order === 0) {
      // ComfyUI's order-0 loop (one step): the model ran once, x is not updated.
      opts.onStep?.(0, steps, prevModels[0]!);
      return lincomb([[Math.sqrt(1 + ts[n - 1]! ** 2), x]]);
    }
    for (let step = 1; step <= steps; step++) {
      if (step > 1) throwIfAborted(opts.signal);
      const stepOrder = step < order ? step : Math.min(order, steps + 1 - step);
      const useCorrector = step < steps;
      const r = await uniPcUpdate({ opts, x, prevModels, prevTs, t: ts[step]!, order: stepOrder, useCorrector, modelX0 });
      x = r.x;
      if (step < steps) {
        prevModels.push(r.modelT ?? (await modelX0(x, ts[step]!)));
        prevTs.push(ts[step]!);
        if (prevModels.length > order) {
          prevModels.shift();
          prevTs.shift();
        }
      }
      opts.onStep?.(step - 1, steps, prevModels[prevModels.length - 1]!);
    }
    return lincomb([[Math.sqrt(1 + ts[n - 1]! ** 2), x]]);
  },
};

interface UpdateInput {
  readonly opts: SampleOptions;
  readonly x: Float32Array;
  readonly prevModels: readonly Float32Array[];
  readonly prevTs: readonly number[];
  readonly t: number;
  readonly order: number;
  readonly useCorrector: boolean;
  readonly modelX0: (xv: Float32Array, sigma: number) => Promise<Float32Array>;
}

/** `multistep_uni_pc_bh_update` with predict_x0 and B(h) = h: predictor, then (optionally) corrector. */
async function uniPcUpdate(u: UpdateInput): Promise<{ x: Float32Array; modelT?: Float32Array }> {
  const { x, prevModels, prevTs, t, order } = u;
  const lambda = (sigma: number): number => -Math.log(sigma);
  const stdOf = (sigma: number): number => sigma / Math.sqrt(sigma * sigma + 1);
  const t0 = prevTs[prevTs.length - 1]!;
  const m0 = prevModels[prevModels.length - 1]!;
  const h = lambda(t) - lambda(t0);
  const rks: number[] = [];
  const d1s: Float32Array[] = [];
  for (let i = 1; i < order; i++) {
    const rk = (lambda(prevTs[prevTs.length - 1 - i]!) - lambda(t0)) / h;
    rks.push(rk);
    d1s.push(lincomb([[1 / rk, prevModels[prevModels.length - 1 - i]!], [-1 / rk, m0]]));
  }
  rks.push(1);
  const { R, b, hPhi1, bH } = uniPcSystem(rks, h, order);
  const alphaT = 1 / Math.sqrt(t * t + 1);
  const xBase = lincomb([[stdOf(t) / stdOf(t0), x], [-alphaT * hPhi1, m0]]);
  let xT = xBase;
  if (d1s.length > 0) {
    const rhosP = order === 2 ? [0.5] : solveLinear(R.slice(0, -1).map((row) => row.slice(0, -1)), b.slice(0, -1));
    xT = lincomb([[1, xBase], ...d1s.map((d, k) => [-alphaT * bH * rhosP[k]!, d] as [number, Float32Array])]);
  }
  if (!u.useCorrector) return { x: xT };
  const rhosC = order === 1 ? [0.5] : solveLinear(R, b);
  const modelT = await u.modelX0(xT, t);
  const d1t = lincomb([[1, modelT], [-1, m0]]);
  const terms: [number, Float32Array][] = [[1, xBase], [-alphaT * bH * rhosC[rhosC.length - 1]!, d1t]];
  d1s.forEach((d, k) => terms.push([-alphaT * bH * rhosC[k]!, d]));
  return { x: lincomb(terms), modelT };
}

/** The order×order system R·ρ = b of the B(h) update: R[i][j] = rks[j]^i, b_i = h·φ_{i+1}(h)·(i+1)!/B(h). */
export function uniPcSystem(
  rks: readonly number[],
  h: number,
  order: number,
): { R: number[][]; b: number[]; hPhi1: number; bH: number } {
  const hh = -h;
  const hPhi1 = Math.expm1(hh);
  let hPhiK = hPhi1 / hh - 1;
  let factorial = 1;
  const bH = hh;
  const R: number[][] = [];
  const b: number[] = [];
  for (let i = 1; i <= order; i++) {
    R.push(rks.map((r) => r ** (i - 1)));
    b.push((hPhiK * factorial) / bH);
    factorial *= i + 1;
    hPhiK = hPhiK / hh - 1 / factorial;
  }
  return { R, b, hPhi1, bH };
}

/** Solves a small dense system A·x = y by Gaussian elimination with partial pivoting. */
export function solveLinear(A: readonly (readonly number[])[], y: readonly number[]): number[] {
  const n = y.length;
  const M = A.map((row, i) => [...row, y[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    if (M[p]![c] === 0) throw new Error('uni_pc: singular coefficient matrix (repeated sigmas in the schedule?)');
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  const out = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let acc = M[r]![n]!;
    for (let k = r + 1; k < n; k++) acc -= M[r]![k]! * out[k]!;
    out[r] = acc / M[r]![r]!;
  }
  return out;
}
