/**
 * Host-side calls of the training graphs: one optimisation step, projecting embeddings, and retrieval scoring.
 * Everything numeric happens in the sessions; this file only packs feeds and unpacks outputs.
 */
import type { ModelSession } from '../../onnx/model-session.js';
import { floatOutput, type HostTensor } from '../../onnx/tensor-types.js';
import { adamwScalars, type AdamwConfig } from './adamw.js';
import { HEADS, paramDims, paramNames, type HeadName, type ProjectorParams, type ProjectorShape } from './params.js';

/** Optimiser state: parameters, first and second moments, and the number of steps taken. */
export interface OptimizerState {
  params: ProjectorParams;
  m: ProjectorParams;
  v: ProjectorParams;
  step: number;
}

/** Losses of one step (before its update). */
export interface StepLosses {
  readonly loss: number;
  readonly perceptual: number;
  readonly semantic: number;
}

function paramFeeds(params: ProjectorParams, shape: ProjectorShape, prefix = ''): Record<string, HostTensor> {
  return Object.fromEntries(paramNames().map((n) => [`${prefix}${n}`, { data: params[`${n}`]!, dims: paramDims(n, shape) }]));
}

/** Options of {@link runTrainStep}. */
export interface TrainStepInput {
  readonly session: ModelSession;
  readonly shape: ProjectorShape;
  readonly adamw: AdamwConfig;
  /** [B,d] raw image embeddings. */
  readonly image: Float32Array;
  /** [B,d] normalised text embeddings per head. */
  readonly texts: Record<HeadName, Float32Array>;
  readonly signal?: AbortSignal;
}

/**
 * Runs one fused forward/backward/AdamW step and replaces `state`'s arrays with the updated ones. The old arrays
 * are moved to the worker (not copied) and must not be used afterwards.
 */
export async function runTrainStep(state: OptimizerState, o: TrainStepInput): Promise<StepLosses> {
  const { shape } = o;
  const b = o.image.length / shape.embedDim;
  const scalars = adamwScalars(o.adamw, state.step + 1);
  const feeds: Record<string, HostTensor> = {
    image: { data: o.image, dims: [b, shape.embedDim] },
    text_perceptual: { data: o.texts.perceptual, dims: [b, shape.embedDim] },
    text_semantic: { data: o.texts.semantic, dims: [b, shape.embedDim] },
    ...paramFeeds(state.params, shape),
    ...paramFeeds(state.m, shape, 'm.'),
    ...paramFeeds(state.v, shape, 'v.'),
    ...Object.fromEntries(Object.entries(scalars).map(([k, v]) => [k, { data: Float32Array.of(v), dims: [] }])),
  };
  const out = await o.session.run(feeds, { transferInputs: true, signal: o.signal });
  for (const n of paramNames()) {
    state.params[n] = floatOutput(out, `${n}.next`).data;
    state.m[n] = floatOutput(out, `m.${n}.next`).data;
    state.v[n] = floatOutput(out, `v.${n}.next`).data;
  }
  state.step++;
  const scalar = (name: string) => floatOutput(out, name).data[0]!;
  return { loss: scalar('loss'), perceptual: scalar('loss_perceptual'), semantic: scalar('loss_semantic') };
}

/** Rows per embed/retrieval call: bounds the worker's memory ([rows × M] similarity block). */
const CHUNK_ROWS = 1024;

/**
 * Projects raw image embeddings [N,d] through both heads: f_I(p), f_I(s), L2-normalised [N,d] each.
 * With W2 = 0 this is plain normalised CLIP (the zero-init baseline).
 */
export async function projectEmbeddings(
  o: { session: ModelSession; shape: ProjectorShape; params: ProjectorParams; image: Float32Array; signal?: AbortSignal },
): Promise<Record<HeadName, Float32Array>> {
  const d = o.shape.embedDim;
  const n = o.image.length / d;
  const out = { perceptual: new Float32Array(n * d), semantic: new Float32Array(n * d) };
  const params = paramFeeds(o.params, o.shape);
  for (let r = 0; r < n; r += CHUNK_ROWS) {
    const rows = Math.min(CHUNK_ROWS, n - r);
    const res = await o.session.run({ image: { data: o.image.subarray(r * d, (r + rows) * d), dims: [rows, d] }, ...params }, { signal: o.signal });
    for (const head of HEADS) out[head].set(floatOutput(res, head).data, r * d);
  }
  return out;
}

/** Per-row retrieval outputs: rank of the positive (0 = best) and InfoNCE term lse − positive logit. */
export interface RetrievalRows {
  readonly rank: Float32Array;
  readonly nce: Float32Array;
}

/**
 * Scores normalised image embeddings [n,d] against candidate texts [M,d], row i's positive being `positive` row i.
 * Rows are sent in chunks.
 */
export async function retrievalRows(
  o: { session: ModelSession; dim: number; image: Float32Array; positive: Float32Array; candidates: Float32Array; signal?: AbortSignal },
): Promise<RetrievalRows> {
  const d = o.dim;
  const n = o.image.length / d;
  const rank = new Float32Array(n);
  const nce = new Float32Array(n);
  const candidates = { data: o.candidates, dims: [o.candidates.length / d, d] };
  for (let r = 0; r < n; r += CHUNK_ROWS) {
    const rows = Math.min(CHUNK_ROWS, n - r);
    const slice = (a: Float32Array) => ({ data: a.subarray(r * d, (r + rows) * d), dims: [rows, d] });
    const res = await o.session.run({ image: slice(o.image), positive: slice(o.positive), candidates }, { signal: o.signal });
    rank.set(floatOutput(res, 'rank').data, r);
    const lse = floatOutput(res, 'lse').data;
    const pos = floatOutput(res, 'positive_logit').data;
    for (let i = 0; i < rows; i++) nce[r + i] = lse[i]! - pos[i]!;
  }
  return { rank, nce };
}
