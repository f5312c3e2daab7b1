/**
 * Host-side calls of the prompt graphs (prompt-graphs.ts): the context's initial value, encoding a context, scoring
 * image embeddings, and one fused training step. Only feeds are packed and outputs unpacked here; the maths is in
 * the sessions.
 */
import { adamwScalars, type AdamwConfig } from '../declip/train/adamw.js';
import type { ModelSession } from '../onnx/model-session.js';
import { floatOutput, type HostTensor } from '../onnx/tensor-types.js';
import type { PromptTokenRows } from './prompt-tokens.js';

/** The context tensor [S, M, d]. */
export interface ContextTensor {
  readonly data: Float32Array;
  readonly dims: readonly [number, number, number];
}

/** AdamW state of the context. */
export interface PromptOptimizerState {
  context: Float32Array;
  m: Float32Array;
  v: Float32Array;
  /** Steps taken. */
  step: number;
}

/** Token rows as the graphs take them (a {@link PromptTokenRows} or a plain tokenizer batch of the pair). */
export interface TokenRows {
  readonly ids: Int32Array;
  readonly dims: readonly [number, number];
  readonly eosIndex: readonly number[];
}

function rowFeeds(rows: TokenRows): Record<string, HostTensor> {
  return {
    input_ids: { data: BigInt64Array.from(rows.ids, (v) => BigInt(v)), dims: rows.dims },
    eos_index: { data: BigInt64Array.from(rows.eosIndex, (v) => BigInt(v)), dims: [2] },
  };
}

/** Options shared by the encode calls. */
export interface EncodeCall {
  readonly session: ModelSession;
  readonly rows: PromptTokenRows;
  readonly dims: readonly [number, number, number];
  readonly signal?: AbortSignal;
}

/** Normalised text embeddings [2, P] of the pair with `context` in place. */
export async function encodePromptPair(o: EncodeCall & { readonly context: Float32Array }): Promise<Float32Array> {
  const out = await o.session.run({ context: { data: o.context, dims: o.dims }, ...rowFeeds(o.rows) }, { signal: o.signal });
  return floatOutput(out, 'text_embeds', o.session.file).data;
}

/** Normalised text embeddings [2, P] of the plain pair through the baseline graph (no context). */
export async function encodePlainPair(o: { session: ModelSession; rows: TokenRows; signal?: AbortSignal }): Promise<Float32Array> {
  const out = await o.session.run(rowFeeds(o.rows), { signal: o.signal });
  return floatOutput(out, 'text_embeds', o.session.file).data;
}

/**
 * The context at step 0: the token embeddings of the ids in the rows' context slots (prompt-tokens.ts), [S, M, d];
 * for a shared context the two rows' slots hold the same ids, and row 0's are taken.
 */
export async function initialContext(o: EncodeCall): Promise<Float32Array> {
  const [sets, m, d] = o.dims;
  const out = await o.session.run({ context: { data: new Float32Array(sets * m * d), dims: o.dims }, ...rowFeeds(o.rows) }, { signal: o.signal });
  const tokens = floatOutput(out, 'token_embeds', o.session.file).data;
  const t = o.rows.dims[1];
  const context = new Float32Array(sets * m * d);
  for (let r = 0; r < sets; r++) {
    const from = (r * t + o.rows.contextStart) * d;
    context.set(tokens.subarray(from, from + m * d), r * m * d);
  }
  return context;
}

/** Rows per score-graph run: the loss is the mean over chunks of this many images (pairs stay within a chunk). */
export interface ScoreCall {
  readonly session: ModelSession;
  /** Normalised text embeddings [2, P]. */
  readonly text: Float32Array;
  readonly images: Float32Array;
  readonly dim: number;
  /** Targets in [0, 1], one per image. */
  readonly target: Float32Array;
  readonly chunk: number;
  readonly signal?: AbortSignal;
}

/** Eq. 8 scores of every image and the mean chunk loss. */
export async function scoreImages(o: ScoreCall): Promise<{ scores: Float32Array; loss: number }> {
  const n = o.target.length;
  const scores = new Float32Array(n);
  let lossSum = 0;
  let chunks = 0;
  for (let r = 0; r < n; r += o.chunk) {
    const rows = Math.min(o.chunk, n - r);
    const out = await o.session.run({
      text_embeds: { data: o.text, dims: [2, o.dim] },
      images: { data: o.images.subarray(r * o.dim, (r + rows) * o.dim), dims: [rows, o.dim] },
      target: { data: o.target.subarray(r, r + rows), dims: [rows, 1] },
    }, { signal: o.signal });
    scores.set(floatOutput(out, 'scores').data, r);
    if (rows >= 2) {
      lossSum += floatOutput(out, 'loss').data[0]!;
      chunks++;
    }
  }
  return { scores, loss: chunks ? lossSum / chunks : NaN };
}

/** Inputs of {@link runPromptStep}. */
export interface PromptStepCall {
  readonly session: ModelSession;
  readonly rows: PromptTokenRows;
  readonly dims: readonly [number, number, number];
  readonly adamw: AdamwConfig;
  /** [B, P] image embeddings of the batch. */
  readonly images: Float32Array;
  readonly dim: number;
  /** [B] targets in [0, 1]. */
  readonly target: Float32Array;
  readonly signal?: AbortSignal;
}

/** One fused forward/backward/AdamW step; replaces `state`'s arrays and returns the step's loss (before the update). */
export async function runPromptStep(state: PromptOptimizerState, o: PromptStepCall): Promise<number> {
  const b = o.target.length;
  const scalars = adamwScalars(o.adamw, state.step + 1);
  const out = await o.session.run({
    context: { data: state.context, dims: o.dims },
    'm.context': { data: state.m, dims: o.dims },
    'v.context': { data: state.v, dims: o.dims },
    ...rowFeeds(o.rows),
    images: { data: o.images, dims: [b, o.dim] },
    target: { data: o.target, dims: [b, 1] },
    ...Object.fromEntries(Object.entries(scalars).map(([k, v]) => [k, { data: Float32Array.of(v), dims: [] }])),
  }, { signal: o.signal });
  state.context = floatOutput(out, 'context.next').data;
  state.m = floatOutput(out, 'm.context.next').data;
  state.v = floatOutput(out, 'v.context.next').data;
  state.step++;
  return floatOutput(out, 'loss').data[0]!;
}

/** Loss and ∂loss/∂context of the gradient graph (optimizer 'none'), for checks. */
export async function promptGradient(o: Omit<PromptStepCall, 'adamw'> & { readonly context: Float32Array }): Promise<{ loss: number; grad: Float32Array; scores: Float32Array }> {
  const b = o.target.length;
  const out = await o.session.run({
    context: { data: o.context, dims: o.dims },
    ...rowFeeds(o.rows),
    images: { data: o.images, dims: [b, o.dim] },
    target: { data: o.target, dims: [b, 1] },
  }, { signal: o.signal });
  return { loss: floatOutput(out, 'loss').data[0]!, grad: floatOutput(out, 'grad.context').data, scores: floatOutput(out, 'scores').data };
}
