/**
 * The paper's cross-dataset protocol (its Table 3) with CoOp (docs/coop.md, "iqa cross"): learn a prompt on one
 * labelled set, then report SRCC / PLCC on every set (the training set first) for three scorers side by side:
 * vanilla CLIP with the hand-written pair, the zero-shot antonym pair in the model's space (DeCLIP), and the learned
 * prompt in that space. Tables for the terminal, JSON and CSV.
 */
import { formatCsv } from '../csv.js';
import { antonymScores } from '../declip/zero-shot.js';
import type { PromptPair } from '../iqa/prompts.js';
import { pearson, spearman } from '../metrics/correlation.js';
import type { LabelledSetSpec } from './labelled-embeddings.js';
import type { LearnedPrompt, PromptEpochRecord, PromptTrainingConfig } from './learned-prompt.js';
import { learnedPromptTexts } from './prompt-scoring.js';
import { embedForTuning, learnPrompt, type TuneEnv, type TuneModel } from './tune-job.js';

/** A labelled set by name. */
export interface CrossDataset extends LabelledSetSpec {
  readonly name: string;
}

/** The scorers of a row. */
export const CROSS_SCORERS = ['clip', 'zero-shot', 'coop'] as const;
export type CrossScorer = (typeof CROSS_SCORERS)[number];

/** One dataset's metrics. */
export interface CrossRow {
  readonly dataset: string;
  readonly role: 'train' | 'test';
  readonly n: number;
  readonly srcc: Record<CrossScorer, number>;
  readonly plcc: Record<CrossScorer, number>;
}

/** What {@link runCrossDataset} reports. */
export interface CrossResult {
  readonly model: { readonly clip: string; readonly projector: string; readonly space: string };
  readonly pair: PromptPair;
  readonly promptFile: string;
  readonly options: PromptTrainingConfig;
  readonly rows: readonly CrossRow[];
}

/** Options of {@link runCrossDataset}. */
export interface CrossOptions {
  readonly env: TuneEnv;
  readonly model: TuneModel;
  readonly train: CrossDataset;
  readonly test: readonly CrossDataset[];
  readonly pair: PromptPair;
  readonly config: Partial<PromptTrainingConfig>;
  /** Where the learned prompt file is written. */
  readonly out: string;
  readonly onEpoch?: (record: PromptEpochRecord, epochs: number) => void;
}

function scores(images: Float32Array, dim: number, text: Float32Array, logitScale: number): number[] {
  return antonymScores({ images: { data: images, dims: [images.length / dim, dim] }, positive: text.subarray(0, dim), negative: text.subarray(dim), logitScale });
}

/**
 * Trains on `train`, evaluates on it and every `test` set.
 * @throws Error for an unreadable label file, or too few usable images to train on
 */
export async function runCrossDataset(o: CrossOptions): Promise<CrossResult> {
  const { env, model } = o;
  const clipModel: TuneModel = { ...model, space: 'clip' };
  const trainData = await embedForTuning(env, model, o.train);
  const prompt: LearnedPrompt = await learnPrompt({ env, model, data: trainData, pair: o.pair, config: o.config, out: o.out, onEpoch: o.onEpoch });
  const learned = await learnedPromptTexts({ prompt, name: o.out, tower: model.tower, tokenizer: model.model.tokenizer, pool: env.pool, cacheDir: env.cacheDir, signal: env.signal });
  const plain = (await model.model.encodeTexts([o.pair.positive, o.pair.negative], env.signal)).data;
  const k = prompt.options.logitScale;
  const rows: CrossRow[] = [];
  for (const [role, set] of [['train', o.train], ...o.test.map((t) => ['test', t] as const)] as const) {
    const data = role === 'train' ? trainData : await embedForTuning(env, model, set);
    const raw = await embedForTuning(env, clipModel, set);
    const by: Record<CrossScorer, number[]> = data.mos.length === 0 ? { clip: [], 'zero-shot': [], coop: [] } : {
      clip: scores(raw.images, raw.dim, plain, k), 'zero-shot': scores(data.images, data.dim, plain, k), coop: scores(data.images, data.dim, learned.text, k),
    };
    const metric = (f: (a: number[], b: number[]) => number) =>
      Object.fromEntries(CROSS_SCORERS.map((s) => [s, data.mos.length >= 2 ? f(by[s], data.mos) : NaN])) as Record<CrossScorer, number>;
    rows.push({ dataset: set.name, role, n: data.mos.length, srcc: metric(spearman), plcc: metric(pearson) });
  }
  return { model: { clip: model.model.clipName, projector: model.model.projectorName, space: model.space }, pair: o.pair, promptFile: o.out, options: prompt.options, rows };
}

const fmt = (v: number, digits = 4) => (Number.isFinite(v) ? v.toFixed(digits) : 'NaN');
const HEADER = ['dataset', 'role', 'n', ...CROSS_SCORERS.map((s) => `SRCC ${s}`), ...CROSS_SCORERS.map((s) => `PLCC ${s}`)];
const cells = (r: CrossRow, digits: number) => [r.dataset, r.role, String(r.n), ...CROSS_SCORERS.map((s) => fmt(r.srcc[s], digits)), ...CROSS_SCORERS.map((s) => fmt(r.plcc[s], digits))];

/** The terminal table: one line per dataset, SRCC then PLCC of each scorer. */
export function formatCrossTable(r: CrossResult): string {
  const rows = r.rows.map((row) => cells(row, 4));
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => (i < 2 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ');
  return [
    `train ${r.rows[0]?.dataset}, '${r.pair.positive}' / '${r.pair.negative}', ${r.model.clip} + ${r.model.projector} (${r.model.space})`,
    line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line),
  ].join('\n');
}

/** The CSV table (same columns, 6 digits). */
export function crossCsv(r: CrossResult): string {
  return formatCsv([HEADER.map((h) => h.toLowerCase().replace(' ', '_')), ...r.rows.map((row) => cells(row, 6))]);
}

/** JSON with NaN as null. */
export function crossJson(r: CrossResult): string {
  return JSON.stringify(r, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
}
