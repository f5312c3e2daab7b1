/**
 * The noise-schedule maths every scheduler and sampler shares, written once: the discrete DDPM beta schedule,
 * ᾱ_t, the k-diffusion σ table, σ ↔ t conversion and the closed-form Karras / exponential schedules.
 *
 * Conventions (ComfyUI / k-diffusion, "VE" form): σ_t = √((1 − ᾱ_t)/ᾱ_t); a noisy latent at level σ is
 * x = x0 + σ·ε; the UNet sees x/√(σ²+1) and the discrete timestep t ∈ [0, T−1].
 * Everything is computed in float64 (ComfyUI computes the table in float64 and stores it as float32; the
 * difference is < 1e-6 relative).
 */

/** How the training betas were laid out. `scaled_linear` is LDM's "linear" (squares of a linspace of √β). */
export type BetaScheduleKind = 'scaled_linear' | 'linear';

/** The discrete diffusion schedule a model was trained with. Plain data, so a model manifest can carry it. */
export interface BetaScheduleConfig {
  readonly kind: BetaScheduleKind;
  /** β_0. */
  readonly betaStart: number;
  /** β_{T−1}. */
  readonly betaEnd: number;
  /** T, the number of training timesteps. */
  readonly timesteps: number;
}

/** SD1.5's `scheduler_config.json`: scaled_linear 0.00085 … 0.012 over 1000 steps. */
export const sd15Schedule = {
  kind: 'scaled_linear',
  betaStart: 0.00085,
  betaEnd: 0.012,
  timesteps: 1000,
} as const satisfies BetaScheduleConfig;

/**
 * A discrete ε-prediction model's noise table, as ComfyUI's `ModelSamplingDiscrete` holds it.
 * `sigmas[t]` is ascending in t (index 0 = least noise); `sigmaMin = sigmas[0]`, `sigmaMax = sigmas[T−1]`.
 */
export interface ModelSamplingInfo {
  readonly config: BetaScheduleConfig;
  /** ᾱ_t for t = 0 … T−1. */
  readonly alphasCumprod: Float64Array;
  /** σ_t for t = 0 … T−1, ascending. */
  readonly sigmas: Float64Array;
  /** ln σ_t, ascending. */
  readonly logSigmas: Float64Array;
  readonly sigmaMin: number;
  readonly sigmaMax: number;
}

/** `n` evenly spaced values from `start` to `end` inclusive (numpy/torch `linspace`; n = 1 gives [start]). */
export function linspace(start: number, end: number, n: number): Float64Array {
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = start;
    return out;
  }
  const step = (end - start) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = start + step * i;
  // Pin the last point so rounding never leaves it a hair off `end`.
  out[n - 1] = end;
  return out;
}

/** Copies `values` and appends a final 0 (k-diffusion's `append_zero`). */
export function appendZero(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) out[i] = values[i]!;
  return out;
}

/** β_t for t = 0 … T−1. */
export function betaSchedule(config: BetaScheduleConfig): Float64Array {
  const { kind, betaStart, betaEnd, timesteps } = config;
  if (!Number.isInteger(timesteps) || timesteps < 2) {
    throw new Error(`betaSchedule: timesteps must be an integer >= 2, got ${timesteps}`);
  }
  if (kind === 'scaled_linear') {
    return linspace(Math.sqrt(betaStart), Math.sqrt(betaEnd), timesteps).map((v) => v * v);
  }
  return linspace(betaStart, betaEnd, timesteps);
}

/** ᾱ_t = ∏_{i≤t}(1 − β_i), for t = 0 … T−1. */
export function alphasCumprod(betas: Float64Array): Float64Array {
  const out = new Float64Array(betas.length);
  let acc = 1;
  for (let i = 0; i < betas.length; i++) {
    acc *= 1 - betas[i]!;
    out[i] = acc;
  }
  return out;
}

/** Builds the σ table of a discrete model (SD1.5 by default). */
export function discreteModelSampling(config: BetaScheduleConfig = sd15Schedule): ModelSamplingInfo {
  const ac = alphasCumprod(betaSchedule(config));
  const sigmas = ac.map((a) => Math.sqrt((1 - a) / a));
  const logSigmas = sigmas.map((s) => Math.log(s));
  return {
    config,
    alphasCumprod: ac,
    sigmas,
    logSigmas,
    sigmaMin: sigmas[0]!,
    sigmaMax: sigmas[sigmas.length - 1]!,
  };
}

/**
 * σ at a (fractional) timestep t, interpolating ln σ linearly between the neighbouring integers (ComfyUI's
 * `ModelSamplingDiscrete.sigma`). t is clamped to [0, T−1].
 */
export function sigmaFromT(ms: ModelSamplingInfo, t: number): number {
  const last = ms.logSigmas.length - 1;
  const tc = Math.min(Math.max(t, 0), last);
  const lo = Math.floor(tc);
  const hi = Math.ceil(tc);
  const w = tc - lo;
  return Math.exp((1 - w) * ms.logSigmas[lo]! + w * ms.logSigmas[hi]!);
}

/**
 * The fractional timestep whose interpolated σ equals `sigma` (k-diffusion `DiscreteSchedule.sigma_to_t`):
 * the inverse of {@link sigmaFromT}, clamped to [0, T−1]. σ ≤ 0 maps to 0.
 */
export function tFromSigma(ms: ModelSamplingInfo, sigma: number): number {
  const ls = ms.logSigmas;
  if (!(sigma > 0)) return 0;
  const logS = Math.log(sigma);
  // Largest index lo with ls[lo] <= logS, kept within [0, T−2] so [lo, lo+1] is a valid segment.
  let lo = 0;
  let hi = ls.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (ls[mid]! <= logS) lo = mid;
    else hi = mid;
  }
  const w = Math.min(Math.max((logS - ls[lo]!) / (ls[lo + 1]! - ls[lo]!), 0), 1);
  return lo + w;
}

/**
 * The integer timestep whose ln σ_t is nearest ln σ (ComfyUI's `ModelSamplingDiscrete.timestep`, the t that
 * ComfyUI feeds the UNet). Ties go to the lower t, as `argmin` does.
 */
export function nearestTimestep(ms: ModelSamplingInfo, sigma: number): number {
  const t = tFromSigma(ms, sigma);
  const lo = Math.floor(t);
  if (lo >= ms.logSigmas.length - 1) return lo;
  const logS = Math.log(Math.max(sigma, Number.MIN_VALUE));
  const dLo = Math.abs(logS - ms.logSigmas[lo]!);
  const dHi = Math.abs(logS - ms.logSigmas[lo + 1]!);
  return dHi < dLo ? lo + 1 : lo;
}

/** Options for {@link karrasSigmas} and {@link exponentialSigmas}. */
export interface SigmaRange {
  /** Number of non-zero sigmas (≥ 1). */
  readonly n: number;
  readonly sigmaMin: number;
  readonly sigmaMax: number;
}

/**
 * Karras et al. (2022) eq. 5: σ_k = (σ_max^{1/ρ} + k/(n−1)·(σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ, then a final 0.
 * Returns n+1 values.
 */
export function karrasSigmas({ n, sigmaMin, sigmaMax }: SigmaRange, rho = 7): Float64Array {
  const minInv = sigmaMin ** (1 / rho);
  const maxInv = sigmaMax ** (1 / rho);
  return appendZero(linspace(0, 1, n).map((r) => (maxInv + r * (minInv - maxInv)) ** rho));
}

/** exp(linspace(ln σ_max, ln σ_min, n)) then a final 0: n+1 values evenly spaced in log σ. */
export function exponentialSigmas({ n, sigmaMin, sigmaMax }: SigmaRange): Float64Array {
  return appendZero(linspace(Math.log(sigmaMax), Math.log(sigmaMin), n).map(Math.exp));
}

/** numpy's `rint`: round half to even, so 499.5 → 500 and 498.5 → 498. */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const diff = v - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
