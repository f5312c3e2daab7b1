/**
 * One DeCLIP head as ONNX graph pieces: the ResMLP projector y = x + W2·SiLU(W1·x + b1) (docs/declip-iqa.md), L2
 * normalisation, image→text InfoNCE with temperature τ, and the hand-written backward pass of all three.
 *
 * Notation per head (B batch, d embedding, h hidden): a = x·W1ᵀ + b1 [B,h], s = σ(a), g = a·s = SiLU(a),
 * y = x + g·W2ᵀ [B,d], n = ‖y‖ [B,1], u = y/n, logits = u·tᵀ/τ [B,B] (t = L2-normalised text embeddings),
 * L = mean_i(logsumexp_j logits_ij − logits_ii).
 * Backward (P = softmax(logits), I = identity):
 *   ∂L/∂logits = (P − I)/B;  ∂L/∂u = (∂L/∂logits)·t/τ;  ∂L/∂y = (∂L/∂u − u·⟨∂L/∂u, u⟩)/n;
 *   ∂L/∂W2 = (∂L/∂y)ᵀ·g;  ∂L/∂g = (∂L/∂y)·W2;  ∂L/∂a = ∂L/∂g ⊙ (s + g − g·s)   [SiLU' = σ + a·σ(1−σ)];
 *   ∂L/∂W1 = (∂L/∂a)ᵀ·x;  ∂L/∂b1 = Σ_batch ∂L/∂a.
 */
import type { GraphBuilder } from '../../onnx-builder/graph-builder.js';
import { dimAsFloat, exp, eyeLike, gemm, meanAll, reduceLogSumExp, reduceSum, sqrt } from './graph-ops.js';

/** Value names of one head's parameters: W1 [h,d], b1 [h], W2 [d,h] (PyTorch [out,in] layout). */
export interface HeadParamValues {
  readonly w1: string;
  readonly b1: string;
  readonly w2: string;
}

/** Intermediate values of the forward pass that the backward pass reuses. */
export interface HeadForward {
  readonly a: string;
  readonly s: string;
  readonly g: string;
  /** ‖y‖ per row [B,1]. */
  readonly norm: string;
  /** Normalised projected embedding [B,d]. */
  readonly u: string;
}

/** Added under the square root so an all-zero row cannot divide by zero (torch F.normalize uses a 1e-12 floor). */
const NORM_EPS = 1e-12;

/** Projector then L2 normalisation: x [B,d] → u [B,d]. */
export function headForward(b: GraphBuilder, x: string, p: HeadParamValues): HeadForward {
  const a = gemm(b, x, p.w1, { transB: true, c: p.b1 });
  const s = b.sigmoid(a);
  const g = b.mul(a, s);
  const y = gemm(b, g, p.w2, { transB: true, c: x }); // the residual rides on Gemm's C input
  const norm = sqrt(b, b.add(reduceSum(b, b.mul(y, y), [1]), b.constFloat(NORM_EPS)));
  return { a, s, g, norm, u: b.div(y, norm) };
}

/** InfoNCE forward values. */
export interface InfoNceForward {
  readonly logits: string;
  /** logsumexp per row [B,1]. */
  readonly lse: string;
  readonly eye: string;
  /** Scalar loss. */
  readonly loss: string;
}

/** Image→text InfoNCE of normalised u [B,d] against normalised t [B,d]; row i's positive is text i. */
export function infoNce(b: GraphBuilder, u: string, t: string, temperature: number): InfoNceForward {
  const logits = gemm(b, u, t, { transB: true, alpha: 1 / temperature });
  const lse = reduceLogSumExp(b, logits, [1]);
  const eye = eyeLike(b, logits);
  const pos = reduceSum(b, b.mul(logits, eye), [1]);
  return { logits, lse, eye, loss: meanAll(b, b.sub(lse, pos)) };
}

/** Gradients of one head's loss w.r.t. its parameters. */
export interface HeadGradients {
  readonly w1: string;
  readonly b1: string;
  readonly w2: string;
}

/** Options of {@link headBackward}. */
export interface HeadBackwardOptions {
  readonly x: string;
  readonly t: string;
  readonly params: HeadParamValues;
  readonly fwd: HeadForward;
  readonly nce: InfoNceForward;
  readonly temperature: number;
}

/** The backward pass written out by hand (see the module comment for the formulas). */
export function headBackward(b: GraphBuilder, o: HeadBackwardOptions): HeadGradients {
  const { x, t, params, fwd, nce } = o;
  const probs = exp(b, b.sub(nce.logits, nce.lse)); // softmax, reusing the logsumexp
  const dLogits = b.div(b.sub(probs, nce.eye), dimAsFloat(b, x, 0));
  const du = gemm(b, dLogits, t, { alpha: 1 / o.temperature });
  const radial = reduceSum(b, b.mul(du, fwd.u), [1]);
  const dy = b.div(b.sub(du, b.mul(fwd.u, radial)), fwd.norm);
  const dw2 = gemm(b, dy, fwd.g, { transA: true });
  const dg = b.matMul(dy, params.w2);
  const siluGrad = b.sub(b.add(fwd.s, fwd.g), b.mul(fwd.g, fwd.s));
  const da = b.mul(dg, siluGrad);
  const dw1 = gemm(b, da, x, { transA: true });
  const db1 = reduceSum(b, da, [0], false);
  return { w1: dw1, b1: db1, w2: dw2 };
}
