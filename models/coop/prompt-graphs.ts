/**
 * The ONNX graphs of prompt learning (all its maths runs in onnxruntime; docs/coop.md):
 * - encode graph: context + token rows → the pair's normalised text embeddings (and the rows' plain token
 *   embeddings, which hold the context's initial value);
 * - score graph: eq. 8 scores and the loss of image embeddings against two text embeddings (no tower);
 * - step graph: the encode graph's forward pass, eq. 8, the loss, the backward pass through the whole tower
 *   (tower-backward.ts) and, with `optimizer: 'adamw'`, the AdamW update of the context: one session run per batch.
 *
 * I/O names: `context` [S, M, d] (S = 1 shared, 2 per-class), `input_ids` int64 [2, T], `eos_index` int64 [2],
 * `images` [B, P] (raw; normalised in the graph), `target` [B, 1] (MOS in [0, 1]); outputs `loss` (scalar),
 * `scores` [B, 1], then `context.next`, `m.context.next`, `v.context.next` (AdamW) or `grad.context` (none).
 */
import { GraphBuilder } from '../onnx-builder/graph-builder.js';
import type { HfTextTowerStructure } from '../clip/hf-text-tower.js';
import type { WeightPlan } from '../weights/weight-plan.js';
import { adamwUpdate, type AdamwGraphConfig } from '../declip/train/adamw.js';
import { reduceSum } from '../declip/train/graph-ops.js';
import type { PromptLoss } from './learned-prompt.js';
import { eq8, eq8Backward, normalizeRowsGraph, promptLoss } from './prompt-loss.js';
import { towerBackward } from './tower-backward.js';
import { tokenEmbeddings, towerForward, type TowerNet } from './tower-forward.js';

/** What fixes a prompt graph besides the weights. */
export interface PromptGraphShape {
  readonly structure: HfTextTowerStructure;
  /** Key prefix of the tower in the weights file. */
  readonly prefix: string;
  /** M; 0 builds the encode graph of the plain hand-written prompts (no `context` input: the baseline). */
  readonly contextLength: number;
  /** 1 (shared) or 2 (per-class). */
  readonly contextSets: 1 | 2;
}

interface PromptInputs {
  /** Absent when M = 0. */
  readonly context?: string;
  readonly ids: string;
  readonly eosIndex: string;
}

function declarePromptInputs(b: GraphBuilder, o: PromptGraphShape): PromptInputs {
  return {
    context: o.contextLength > 0 ? b.input('context', 'float32', [o.contextSets, o.contextLength, o.structure.width]) : undefined,
    ids: b.input('input_ids', 'int64', [2, 'sequence']),
    eosIndex: b.input('eos_index', 'int64', [2]),
  };
}

/** Token embeddings [2, T, d] with rows' slots 1 … M replaced by the context (shared: the same set in both rows). */
function withContext(n: TowerNet, o: PromptGraphShape, p: PromptInputs, table: string): string {
  const { b } = n;
  const m = o.contextLength;
  if (!p.context) return table;
  const ctx = o.contextSets === 1 ? b.concat([p.context, p.context], 0) : p.context;
  const head = b.slice(table, [0], [1], [1]);
  const tail = b.slice(table, [1 + m], [Number.MAX_SAFE_INTEGER], [1]);
  return b.concat([head, ctx, tail], 1);
}

/** Encode graph: `context`, `input_ids`, `eos_index` → `text_embeds` [2, P] (L2-normalised), `token_embeds` [2, T, d]. */
export function buildPromptEncodeGraph(o: PromptGraphShape, weights: WeightPlan): GraphBuilder {
  const b = new GraphBuilder({ name: 'coop_encode' });
  const n: TowerNet = { b, w: weights, s: o.structure, prefix: o.prefix };
  const p = declarePromptInputs(b, o);
  const table = tokenEmbeddings(n, p.ids);
  const f = towerForward(n, { tokens: withContext(n, o, p, table), eosIndex: p.eosIndex });
  b.output('text_embeds', normalizeRowsGraph(b, f.embeds).u, 'float32', [2, o.structure.projectionDim]);
  b.output('token_embeds', table, 'float32', [2, 'sequence', o.structure.width]);
  return b;
}

/** Options of {@link buildPromptScoreGraph}. */
export interface PromptScoreGraphOptions {
  readonly projectionDim: number;
  readonly loss: PromptLoss;
  readonly logitScale: number;
}

/** Score graph: `text_embeds` [2, P], `images` [B, P], `target` [B, 1] → `scores` [B, 1], `loss`. */
export function buildPromptScoreGraph(o: PromptScoreGraphOptions): GraphBuilder {
  const b = new GraphBuilder({ name: `coop_score_${o.loss}` });
  const text = b.input('text_embeds', 'float32', [2, o.projectionDim]);
  const images = b.input('images', 'float32', ['batch', o.projectionDim]);
  const target = b.input('target', 'float32', ['batch', 1]);
  const v = eq8(b, { embeds: text, images, logitScale: o.logitScale });
  b.output('scores', v.s, 'float32', ['batch', 1]);
  b.output('loss', promptLoss(b, o.loss, v.s, target).loss, 'float32', []);
  return b;
}

/** Options of {@link buildPromptStepGraph}. */
export interface PromptStepGraphOptions extends PromptGraphShape {
  readonly loss: PromptLoss;
  readonly logitScale: number;
  /** `adamw`: the fused update (inputs `m.context`, `v.context`, `adamw_lr_hat`, `adamw_decay`, `adamw_bc2`); `none`: `grad.context`. */
  readonly optimizer: 'adamw' | 'none';
  readonly adamw?: AdamwGraphConfig;
}

/** Step graph; see the module comment. */
export function buildPromptStepGraph(o: PromptStepGraphOptions, weights: WeightPlan): GraphBuilder {
  const b = new GraphBuilder({ name: `coop_step_${o.loss}_${o.optimizer}` });
  const s = o.structure;
  const n: TowerNet = { b, w: weights, s, prefix: o.prefix };
  const p = declarePromptInputs(b, o);
  const images = b.input('images', 'float32', ['batch', s.projectionDim]);
  const target = b.input('target', 'float32', ['batch', 1]);
  const f = towerForward(n, { tokens: withContext(n, o, p, tokenEmbeddings(n, p.ids)), eosIndex: p.eosIndex });
  const v = eq8(b, { embeds: f.embeds, images, logitScale: o.logitScale });
  const l = promptLoss(b, o.loss, v.s, target);
  b.output('loss', l.loss, 'float32', []);
  b.output('scores', v.s, 'float32', ['batch', 1]);
  const dTokens = b.reshape(towerBackward(b, f, s, eq8Backward(b, v, l.dS, o.logitScale)), [2, -1, s.width]);
  if (!p.context) throw new Error('a prompt step graph needs M ≥ 1 context vectors');
  let grad = b.slice(dTokens, [1], [1 + o.contextLength], [1]);
  if (o.contextSets === 1) grad = reduceSum(b, grad, [0]);
  const dims = [o.contextSets, o.contextLength, s.width];
  if (o.optimizer === 'none') {
    b.output('grad.context', grad, 'float32', dims);
    return b;
  }
  const m = b.input('m.context', 'float32', dims);
  const vv = b.input('v.context', 'float32', dims);
  const scalars = { lrHat: b.input('adamw_lr_hat', 'float32', []), decay: b.input('adamw_decay', 'float32', []), bc2: b.input('adamw_bc2', 'float32', []) };
  const next = adamwUpdate(b, { param: p.context, grad, m, v: vv, scalars, config: o.adamw });
  b.output('context.next', next.param, 'float32', dims);
  b.output('m.context.next', next.m, 'float32', dims);
  b.output('v.context.next', next.v, 'float32', dims);
  return b;
}
