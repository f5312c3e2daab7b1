/**
 * AdamW (Loshchilov & Hutter; PyTorch's `torch.optim.AdamW` update order) as an ONNX graph piece fused into the
 * training step, plus the per-step scalars computed on the host:
 *   p ← p·(1 − lr·λ);  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;
 *   p ← p − lr/(1−β1ᵗ) · m / (√(v/(1−β2ᵗ)) + ε).
 * Why in the graph and not in TS: fused, the step is one session run and the optimiser's five elementwise passes
 * over 4.2 M parameters (d = h = 1024, both heads) run in onnxruntime's multithreaded kernels; a TS update needs the
 * gradients back first and then runs single-threaded on the event loop. Measured (bench/declip-train.ts, 2 shared
 * CPU cores, d = h = 1024): a TS update takes ~40 ms per step on top of the gradient step, while the whole fused step takes
 * 540–870 ms (55 GFLOP/s); fusing keeps the optimiser off the event loop at no measurable cost.
 */
import type { GraphBuilder } from '../../onnx-builder/graph-builder.js';
import { sqrt } from './graph-ops.js';

/** Optimiser hyper-parameters. */
export interface AdamwConfig {
  /** Learning rate (1e-5 in the paper). */
  readonly lr: number;
  /** Decoupled weight decay λ (5e-2 in the paper). */
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
}

/** The constants baked into the graph (β1, β2, ε); lr and λ arrive per step as scalars. */
export type AdamwGraphConfig = Pick<AdamwConfig, 'beta1' | 'beta2' | 'eps'>;

/** PyTorch's defaults for β1, β2, ε. */
export const ADAMW_GRAPH_DEFAULTS = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } satisfies AdamwGraphConfig;

/** Graph inputs holding the per-step scalars (float32 rank 0). */
export interface AdamwScalarValues {
  readonly lrHat: string;
  readonly decay: string;
  readonly bc2: string;
}

/** Host values of the step scalars: `adamw_lr_hat` = lr/(1−β1ᵗ), `adamw_decay` = 1 − lr·λ, `adamw_bc2` = 1/(1−β2ᵗ). */
export function adamwScalars(config: AdamwConfig, step: number): Record<'adamw_lr_hat' | 'adamw_decay' | 'adamw_bc2', number> {
  if (!Number.isInteger(step) || step < 1) throw new Error(`AdamW step must be an integer ≥ 1, got ${step}`);
  return {
    adamw_lr_hat: config.lr / (1 - config.beta1 ** step),
    adamw_decay: 1 - config.lr * config.weightDecay,
    adamw_bc2: 1 / (1 - config.beta2 ** step),
  };
}

/** Options of {@link adamwUpdate}. */
export interface AdamwUpdateOptions {
  readonly param: string;
  readonly grad: string;
  readonly m: string;
  readonly v: string;
  readonly scalars: AdamwScalarValues;
  readonly config?: AdamwGraphConfig;
}

/** Adds one parameter's AdamW update; returns the new parameter and moments. */
export function adamwUpdate(b: GraphBuilder, o: AdamwUpdateOptions): { param: string; m: string; v: string } {
  const c = o.config ?? ADAMW_GRAPH_DEFAULTS;
  const m = b.add(b.mul(o.m, b.constFloat(c.beta1)), b.mul(o.grad, b.constFloat(1 - c.beta1)));
  const v = b.add(b.mul(o.v, b.constFloat(c.beta2)), b.mul(b.mul(o.grad, o.grad), b.constFloat(1 - c.beta2)));
  const denom = b.add(sqrt(b, b.mul(v, o.scalars.bc2)), b.constFloat(c.eps));
  const stepDir = b.div(b.mul(m, o.scalars.lrHat), denom);
  return { param: b.sub(b.mul(o.param, o.scalars.decay), stepDir), m, v };
}

/**
 * The same update in TS, in place, for reference and for the benchmark's TS-vs-graph comparison.
 * @param step 1-based step count
 */
export function adamwUpdateTs(p: { param: Float32Array; grad: Float32Array; m: Float32Array; v: Float32Array }, config: AdamwConfig, step: number): void {
  const s = adamwScalars(config, step);
  const { beta1, beta2, eps } = config;
  const { param, grad, m, v } = p;
  for (let i = 0; i < param.length; i++) {
    const g = grad[i]!;
    const mi = beta1 * m[i]! + (1 - beta1) * g;
    const vi = beta2 * v[i]! + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] = param[i]! * s.adamw_decay - (s.adamw_lr_hat * mi) / (Math.sqrt(vi * s.adamw_bc2) + eps);
  }
}
