/**
 * The ONNX graphs the trainer runs (all maths of training happens in onnxruntime):
 * - step graph: both heads' forward, InfoNCE, hand-written backward and (optionally) the AdamW update, in one
 *   session run per batch;
 * - embed graph: projector + normalisation only, for validation and evaluation;
 * - retrieval graph: image→text ranks and InfoNCE terms of normalised embeddings against candidate texts.
 * Graph I/O names are the projector tensor names (`perceptual.fc1.weight` …), with `.next`/`m.`/`v.`/`grad.` forms.
 */
import { GraphBuilder } from '../../onnx-builder/graph-builder.js';
import { adamwUpdate, type AdamwGraphConfig } from './adamw.js';
import { gemm, reduceLogSumExp, reduceSum } from './graph-ops.js';
import { headBackward, headForward, infoNce, type HeadParamValues } from './head-graph.js';
import { HEADS, paramDims, PARAM_SUFFIXES, type HeadName, type ProjectorShape } from './params.js';

/** Options of {@link buildStepGraph}. */
export interface StepGraphOptions extends ProjectorShape {
  /** InfoNCE temperature τ (0.07 in the paper). */
  readonly temperature: number;
  /**
   * `adamw`: inputs add `m.<name>`, `v.<name>` and the scalars of {@link adamwScalars}; outputs `<name>.next`,
   * `m.<name>.next`, `v.<name>.next`. `none`: outputs `grad.<name>` (for gradient checks and other optimisers).
   */
  readonly optimizer: 'adamw' | 'none';
  readonly adamw?: AdamwGraphConfig;
}

function declareHead(b: GraphBuilder, head: HeadName, shape: ProjectorShape, prefix = ''): HeadParamValues {
  const v = (s: (typeof PARAM_SUFFIXES)[number]) => b.input(`${prefix}${head}.${s}`, 'float32', paramDims(`${head}.${s}`, shape));
  return { w1: v('fc1.weight'), b1: v('fc1.bias'), w2: v('fc2.weight') };
}

/**
 * One training step. Inputs: `image` [B,d] raw CLIP image embeddings, `text_perceptual` and `text_semantic`
 * [B,d] L2-normalised text embeddings, the six parameters. Outputs: `loss` (sum of both heads), `loss_perceptual`,
 * `loss_semantic` (scalars), then gradients or updated parameters and moments (see `optimizer`).
 */
export function buildStepGraph(o: StepGraphOptions): Uint8Array {
  const b = new GraphBuilder({ name: `declip_train_${o.optimizer}` });
  const d = o.embedDim;
  const x = b.input('image', 'float32', ['batch', d]);
  const texts = { perceptual: b.input('text_perceptual', 'float32', ['batch', d]), semantic: b.input('text_semantic', 'float32', ['batch', d]) };
  const params = { perceptual: declareHead(b, 'perceptual', o), semantic: declareHead(b, 'semantic', o) };
  const scalars = o.optimizer === 'adamw' ? declareAdamwScalars(b) : undefined;
  const losses: string[] = [];
  for (const head of HEADS) {
    const fwd = headForward(b, x, params[head]);
    const nce = infoNce(b, fwd.u, texts[head], o.temperature);
    losses.push(nce.loss);
    b.output(`loss_${head}`, nce.loss, 'float32', []);
    const grads = headBackward(b, { x, t: texts[head], params: params[head], fwd, nce, temperature: o.temperature });
    for (const [key, suffix] of [['w1', 'fc1.weight'], ['b1', 'fc1.bias'], ['w2', 'fc2.weight']] as const) {
      const name = `${head}.${suffix}`;
      const dims = paramDims(name, o);
      if (!scalars) {
        b.output(`grad.${name}`, grads[key], 'float32', dims);
        continue;
      }
      const m = b.input(`m.${name}`, 'float32', dims);
      const v = b.input(`v.${name}`, 'float32', dims);
      const next = adamwUpdate(b, { param: params[head][key], grad: grads[key], m, v, scalars, config: o.adamw });
      b.output(`${name}.next`, next.param, 'float32', dims);
      b.output(`m.${name}.next`, next.m, 'float32', dims);
      b.output(`v.${name}.next`, next.v, 'float32', dims);
    }
  }
  b.output('loss', b.add(losses[0]!, losses[1]!), 'float32', []);
  return b.toBytes();
}

function declareAdamwScalars(b: GraphBuilder) {
  return { lrHat: b.input('adamw_lr_hat', 'float32', []), decay: b.input('adamw_decay', 'float32', []), bc2: b.input('adamw_bc2', 'float32', []) };
}

/** Embed graph: `image` [N,d] + the six parameters → `perceptual` and `semantic` [N,d], L2-normalised. */
export function buildEmbedGraph(shape: ProjectorShape): Uint8Array {
  const b = new GraphBuilder({ name: 'declip_embed' });
  const x = b.input('image', 'float32', ['batch', shape.embedDim]);
  for (const head of HEADS) {
    const fwd = headForward(b, x, declareHead(b, head, shape));
    b.output(head, fwd.u, 'float32', ['batch', shape.embedDim]);
  }
  return b.toBytes();
}

/** Options of {@link buildRetrievalGraph}. */
export interface RetrievalGraphOptions {
  readonly embedDim: number;
  readonly temperature: number;
  /**
   * A candidate outranks the positive only when its cosine is larger by more than this. It absorbs the rounding
   * difference between the Gemm row and the separately reduced positive, and lets a duplicate of the correct text
   * (same embedding) tie instead of counting as a miss.
   */
  readonly tieMargin: number;
}

/**
 * Retrieval graph: `image` [n,d] normalised embeddings, `candidates` [M,d] normalised texts, `positive` [n,d] the
 * matching text of each image → `rank` [n] (float count of candidates strictly better than the positive; 0 = top-1),
 * `lse` [n] (logsumexp over candidates of cos/τ) and `positive_logit` [n] (cos/τ of the positive). The InfoNCE term
 * of row i is lse_i − positive_logit_i when the positive is among the candidates.
 */
export function buildRetrievalGraph(o: RetrievalGraphOptions): Uint8Array {
  const b = new GraphBuilder({ name: 'declip_retrieval' });
  const u = b.input('image', 'float32', ['n', o.embedDim]);
  const cands = b.input('candidates', 'float32', ['m', o.embedDim]);
  const pos = b.input('positive', 'float32', ['n', o.embedDim]);
  const cos = gemm(b, u, cands, { transB: true });
  const posCos = reduceSum(b, b.mul(u, pos), [1]);
  const better = b.op('Greater', [cos, b.add(posCos, b.constFloat(o.tieMargin))]);
  b.output('rank', reduceSum(b, b.cast(better, 'float32'), [1], false), 'float32', ['n']);
  const inv = b.constFloat(1 / o.temperature);
  b.output('lse', reduceLogSumExp(b, b.mul(cos, inv), [1], false), 'float32', ['n']);
  b.output('positive_logit', b.reshape(b.mul(posCos, inv), [-1]), 'float32', ['n']);
  return b.toBytes();
}
