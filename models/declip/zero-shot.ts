/**
 * Zero-shot antonym scoring, DeCLIP eq. 8 (CLIP-IQA with T = 1/logit_scale):
 *   s = e^{k·cos(f, t_pos)} / (e^{k·cos(f, t_pos)} + e^{k·cos(f, t_neg)}) = σ(k·(cos(f, t_pos) − cos(f, t_neg))),
 * where f is the image embedding of the chosen space (f_I for CLIP, f_I(p) or f_I(s) for DeCLIP), t_* are text
 * embeddings and k = logit_scale. Scores lie in (0, 1); higher = closer to the positive prompt. Any k > 0 leaves
 * rank metrics (SRCC, KRCC) unchanged since σ(k·x) is monotone in x; only plain PLCC moves with k.
 */
import type { FloatTensor } from '../tensors.js';

/** Default k: CLIP's trained exp(logit_scale) (docs/declip-iqa.md). The paper's T = 1 is k = 1. */
export const DEFAULT_LOGIT_SCALE = 100;

/** Rows of a [N, d] tensor, L2-normalised (an all-zero row stays zero). */
export function normalizeRows(t: FloatTensor): Float32Array {
  const [n, d] = rowsOf(t);
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < d; j++) sum += t.data[i * d + j]! ** 2;
    const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let j = 0; j < d; j++) out[i * d + j] = t.data[i * d + j]! * inv;
  }
  return out;
}

/** Cosine similarity of every row of `images` [B, d] with `text` [d]: B values in [−1, 1]. */
export function cosineToText(images: FloatTensor, text: Float32Array): Float64Array {
  const [b, d] = rowsOf(images);
  if (text.length !== d) throw new Error(`text embedding has ${text.length} values, image embeddings have d = ${d}`);
  const t = normalizeRows({ data: text, dims: [1, d] });
  const img = normalizeRows(images);
  const out = new Float64Array(b);
  for (let i = 0; i < b; i++) {
    let dot = 0;
    for (let j = 0; j < d; j++) dot += img[i * d + j]! * t[j]!;
    out[i] = dot;
  }
  return out;
}

/** Numerically stable logistic σ(x). */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Inputs of {@link antonymScores}. */
export interface AntonymScoreInput {
  /** Image embeddings [B, d] of one space (not necessarily normalised). */
  readonly images: FloatTensor;
  /** Text embedding of the positive prompt [d]. */
  readonly positive: Float32Array;
  /** Text embedding of the negative prompt [d]. */
  readonly negative: Float32Array;
  /** k in eq. 8 (1/T); must be > 0. Default {@link DEFAULT_LOGIT_SCALE}. */
  readonly logitScale?: number;
}

/**
 * Eq. 8 for every image: B scores in (0, 1), higher = more like the positive prompt.
 * @throws Error when the widths differ or logit_scale is not a positive finite number
 */
export function antonymScores(input: AntonymScoreInput): number[] {
  const k = input.logitScale ?? DEFAULT_LOGIT_SCALE;
  if (!(k > 0) || !Number.isFinite(k)) throw new Error(`logit_scale must be a positive finite number, got ${k}`);
  const pos = cosineToText(input.images, input.positive);
  const neg = cosineToText(input.images, input.negative);
  return Array.from(pos, (p, i) => sigmoid(k * (p - neg[i]!)));
}

/** Element-wise mean of several equally long score lists (NaN when `lists` is empty). */
export function meanScores(lists: readonly (readonly number[])[]): number[] {
  if (lists.length === 0) return [];
  const n = lists[0]!.length;
  return Array.from({ length: n }, (_, i) => lists.reduce((s, l) => s + l[i]!, 0) / lists.length);
}

function rowsOf(t: FloatTensor): [number, number] {
  if (t.dims.length !== 2) throw new Error(`expected embeddings [N, d], got [${t.dims}]`);
  const [n, d] = t.dims as [number, number];
  if (t.data.length !== n * d) throw new Error(`embeddings [${t.dims}] hold ${t.data.length} values, expected ${n * d}`);
  return [n, d];
}
