/**
 * Eq. 8 on the prompt pair's embeddings and the two training losses, forward and hand-written backward, as graph
 * pieces (docs/coop.md).
 *
 * Forward: t_c = e_c/‖e_c‖ (c = positive, negative), u_i = f_i/‖f_i‖ (frozen image embeddings),
 * δ_i = ⟨u_i, t₊⟩ − ⟨u_i, t₋⟩, s_i = σ(k·δ_i) (eq. 8 as a two-way softmax).
 * - `mse`: L = mean_i (s_i − y_i)², y = MOS scaled to [0, 1]; ∂L/∂s_i = 2(s_i − y_i)/B.
 * - `fidelity` (Tsai et al. 2007, as UNIQUE / LIQE use it): for every ordered pair i ≠ j,
 *   p̂_ij = Φ((s_i − s_j)/√2) (Thurstone with unit variances), p_ij = 1, ½ or 0 as y_i >, =, < y_j,
 *   f_ij = 1 − √(p·p̂ + ε) − √((1 − p)(1 − p̂) + ε), L = Σ f_ij / (B(B − 1));
 *   ∂f/∂p̂ = −p/(2√(p·p̂ + ε)) + (1 − p)/(2√((1 − p)(1 − p̂) + ε)), ∂p̂_ij/∂s_i = −∂p̂_ij/∂s_j = φ(z)/√2 with
 *   z = (s_i − s_j)/√2, so ∂L/∂s_i = Σ_j G_ij − Σ_j G_ji with G = ∂f/∂p̂ ⊙ φ(z)/√2 / (B(B − 1)).
 * Backward to the text: ∂L/∂δ = ∂L/∂s ⊙ k·s(1 − s); ∂L/∂t₊ = Σ_i ∂L/∂δ_i u_i = −∂L/∂t₋;
 * ∂L/∂e = (∂t − t⟨∂t, t⟩)/‖e‖.
 */
import type { GraphBuilder } from '../onnx-builder/graph-builder.js';
import { dimAsFloat, eyeLike, gemm, meanAll, reduceSum, sqrt } from '../declip/train/graph-ops.js';
import type { PromptLoss } from './learned-prompt.js';

/** Floor under the squared norms (as torch F.normalize's eps) and under the fidelity square roots. */
const NORM_EPS = 1e-12;
const FIDELITY_EPS = 1e-8;

/** Row-normalised x and its norms [N, 1]. */
export function normalizeRowsGraph(b: GraphBuilder, x: string): { u: string; norm: string } {
  const norm = sqrt(b, b.add(reduceSum(b, b.mul(x, x), [1]), b.constFloat(NORM_EPS)));
  return { u: b.div(x, norm), norm };
}

/** Eq. 8 values. */
export interface Eq8Values {
  /** Normalised text embeddings [2, P]. */
  readonly t: string;
  readonly textNorm: string;
  /** Normalised image embeddings [B, P]. */
  readonly u: string;
  /** s [B, 1]. */
  readonly s: string;
}

/** s_i = σ(k·(cos(f_i, t₊) − cos(f_i, t₋))) for images [B, P] and text embeddings [2, P]. */
export function eq8(b: GraphBuilder, o: { embeds: string; images: string; logitScale: number }): Eq8Values {
  const text = normalizeRowsGraph(b, o.embeds);
  const { u } = normalizeRowsGraph(b, o.images);
  const cos = gemm(b, u, text.u, { transB: true });
  const delta = b.matMul(cos, b.constFloat([1, -1], [2, 1], 'pos_minus_neg'));
  return { t: text.u, textNorm: text.norm, u, s: b.sigmoid(b.mul(delta, b.constFloat(o.logitScale))) };
}

/** Loss (scalar) and ∂L/∂s [B, 1]. */
export interface LossValues {
  readonly loss: string;
  readonly dS: string;
}

/** The chosen loss of s [B, 1] against targets y [B, 1] in [0, 1]; see the module comment. */
export function promptLoss(b: GraphBuilder, loss: PromptLoss, s: string, y: string): LossValues {
  if (loss === 'mse') {
    const diff = b.sub(s, y);
    return { loss: meanAll(b, b.mul(diff, diff)), dS: b.div(b.mul(diff, b.constFloat(2)), dimAsFloat(b, s, 0)) };
  }
  return fidelity(b, s, y);
}

function fidelity(b: GraphBuilder, s: string, y: string): LossValues {
  const one = b.constFloat(1);
  const eps = b.constFloat(FIDELITY_EPS);
  const diff = b.sub(s, b.transpose(s, [1, 0])); // [B, B]: s_i − s_j
  const pHat = b.mul(b.add(b.op('Erf', [b.mul(diff, b.constFloat(0.5))]), one), b.constFloat(0.5)); // Φ(diff/√2)
  const p = b.mul(b.add(b.op('Sign', [b.sub(y, b.transpose(y, [1, 0]))]), one), b.constFloat(0.5));
  const q = b.sub(one, p);
  const rootPos = sqrt(b, b.add(b.mul(p, pHat), eps));
  const rootNeg = sqrt(b, b.add(b.mul(q, b.sub(one, pHat)), eps));
  const offDiag = b.sub(one, eyeLike(b, diff));
  const n = dimAsFloat(b, s, 0);
  const pairs = b.mul(n, b.sub(n, one));
  const f = b.mul(b.sub(b.sub(one, rootPos), rootNeg), offDiag);
  const loss = b.div(b.op('ReduceSum', [f], { keepdims: 0 }), pairs);
  const dfdp = b.sub(b.div(q, b.mul(rootNeg, b.constFloat(2))), b.div(p, b.mul(rootPos, b.constFloat(2))));
  // φ(z)/√2 with z = diff/√2: exp(−diff²/4)/(2√π)
  const dpdd = b.mul(b.op('Exp', [b.mul(b.mul(diff, diff), b.constFloat(-0.25))]), b.constFloat(1 / (2 * Math.sqrt(Math.PI))));
  const g = b.div(b.mul(b.mul(dfdp, dpdd), offDiag), pairs);
  const dS = b.sub(reduceSum(b, g, [1]), b.transpose(reduceSum(b, g, [0]), [1, 0]));
  return { loss, dS };
}

/** ∂L/∂e [2, P] (unnormalised text embeddings) from ∂L/∂s; see the module comment. */
export function eq8Backward(b: GraphBuilder, v: Eq8Values, dS: string, logitScale: number): string {
  const dDelta = b.mul(dS, b.mul(b.mul(v.s, b.sub(b.constFloat(1), v.s)), b.constFloat(logitScale)));
  const dCos = b.matMul(dDelta, b.constFloat([1, -1], [1, 2], 'pos_minus_neg_row')); // [B, 2]
  const dT = gemm(b, dCos, v.u, { transA: true }); // [2, P]
  const radial = reduceSum(b, b.mul(dT, v.t), [1]);
  return b.div(b.sub(dT, b.mul(v.t, radial)), v.textNorm);
}
