/**
 * The hand-written reverse pass of tower-forward.ts: ∂L/∂(token embeddings) from ∂L/∂(projected embedding), through
 * the projection, the final LayerNorm, EOS pooling and every layer. The weights are frozen, so only activation
 * gradients are formed (one Gemm per forward Gemm, on the same stored weight, no transposed copies).
 *
 * Rules (row vectors; W stored [out, in], forward y = x·Wᵀ + b):
 * - linear: ∂x = ∂y·W;
 * - LayerNorm y = γ ⊙ x̂ + β, x̂ = (x − μ)·ρ, ρ = 1/σ: g = ∂y ⊙ γ, ∂x = ρ ⊙ (g − mean(g) − x̂ ⊙ mean(g ⊙ x̂));
 * - attention S = q·kᵀ/√h + mask, P = softmax(S), O = P·v: ∂P = ∂O·vᵀ, ∂v = Pᵀ·∂O, ∂S = P ⊙ (∂P − Σ_j ∂P ⊙ P),
 *   ∂q = ∂S·k/√h, ∂k = ∂Sᵀ·q/√h (the mask is constant; masked entries have P = 0 and get no gradient);
 * - quick-GELU y = x·σ(1.702x): y' = σ + 1.702·x·σ(1 − σ); GELU y = x·Φ(x): y' = Φ + x·φ(x);
 * - residual x + f(x): the gradient of the output goes to both;
 * - EOS pooling p = E·X: ∂X = Eᵀ·∂p.
 */
import type { GraphBuilder } from '../onnx-builder/graph-builder.js';
import type { HfTextTowerStructure } from '../clip/hf-text-tower.js';
import { gemm, reduceSum } from '../declip/train/graph-ops.js';
import { fromHeads, toHeads, type LayerForward, type LayerNormValues, type TowerForward } from './tower-forward.js';

/** ∂x of a LayerNormalization over the last axis, from ∂y (see the module comment). */
export function layerNormBackward(b: GraphBuilder, ln: LayerNormValues, dy: string): string {
  const xhat = b.mul(b.sub(ln.x, ln.mean), ln.invStd);
  const g = b.mul(dy, ln.gamma);
  const meanG = b.reduceMean(g, [-1]);
  const meanGx = b.reduceMean(b.mul(g, xhat), [-1]);
  return b.mul(ln.invStd, b.sub(b.sub(g, meanG), b.mul(xhat, meanGx)));
}

/** Derivative of the MLP activation at `pre`, from the forward's gate value. */
function activationGrad(b: GraphBuilder, l: LayerForward, s: HfTextTowerStructure): string {
  if (s.activation === 'gelu') {
    // Φ(x) + x·φ(x), φ(x) = exp(−x²/2)/√(2π)
    const pdf = b.mul(b.op('Exp', [b.mul(b.mul(l.pre, l.pre), b.constFloat(-0.5))]), b.constFloat(1 / Math.sqrt(2 * Math.PI)));
    return b.add(l.gate, b.mul(l.pre, pdf));
  }
  const sig = l.gate;
  return b.add(sig, b.mul(b.mul(l.pre, b.constFloat(1.702)), b.mul(sig, b.sub(b.constFloat(1), sig))));
}

/** One layer backward: ∂(layer output) [R, d] → ∂(layer input) [R, d]. */
function layerBackward(b: GraphBuilder, l: LayerForward, s: HfTextTowerStructure, dOut: string): string {
  const w = l.weights;
  const dAct = gemm(b, dOut, w.fc2[0]);
  const dPre = b.mul(dAct, activationGrad(b, l, s));
  const dx1 = b.add(dOut, layerNormBackward(b, l.ln2, gemm(b, dPre, w.fc1[0])));
  const dO = toHeads(b, gemm(b, dx1, w.out[0]), s);
  const dP = b.matMul(dO, b.transpose(l.v, [0, 1, 3, 2]));
  const dv = b.matMul(b.transpose(l.probs, [0, 1, 3, 2]), dO);
  const dS = b.mul(l.probs, b.sub(dP, reduceSum(b, b.mul(dP, l.probs), [-1])));
  const scale = b.constFloat(1 / Math.sqrt(s.width / s.heads));
  const dq = b.mul(b.matMul(dS, l.k), scale);
  const dk = b.mul(b.matMul(b.transpose(dS, [0, 1, 3, 2]), l.q), scale);
  const dQkv = b.concat([fromHeads(b, dq, s), fromHeads(b, dk, s), fromHeads(b, dv, s)], 1);
  return b.add(dx1, layerNormBackward(b, l.ln1, gemm(b, dQkv, w.qkv[0])));
}

/**
 * ∂L/∂(token embeddings + positions) [R, d] from ∂L/∂(projected embedding) [2, P]; positions are constant, so this
 * is also the gradient of the token embeddings (reshape to [2, T, d]).
 */
export function towerBackward(b: GraphBuilder, f: TowerForward, s: HfTextTowerStructure, dEmbeds: string): string {
  const hf = (s.layout ?? 'hf') === 'hf';
  const dPooled = gemm(b, dEmbeds, f.projection, { transB: !hf });
  let dx = gemm(b, f.eosRows, layerNormBackward(b, f.final, dPooled), { transA: true });
  for (let i = f.layers.length - 1; i >= 0; i--) dx = layerBackward(b, f.layers[i]!, s, dx);
  return dx;
}
