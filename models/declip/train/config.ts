/**
 * Training configuration: plain data with the DeCLIP paper's values declared once as defaults (docs/declip-iqa.md).
 */
import { ADAMW_GRAPH_DEFAULTS } from './adamw.js';

/** Everything that shapes a training run (stored in checkpoints and in the output's metadata). */
export interface TrainConfig {
  /** Hidden width h of both projectors (1024 in the paper). */
  readonly hiddenDim: number;
  /** AdamW learning rate. */
  readonly lr: number;
  /** AdamW decoupled weight decay. */
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** Images per step; the InfoNCE negatives are the other texts of the batch. */
  readonly batchSize: number;
  readonly epochs: number;
  /** InfoNCE temperature τ. */
  readonly temperature: number;
  /** Seed of the weight init, the train/validation split, the shuffles and the crop picks. */
  readonly seed: number;
  /** Share of images held out for validation, in [0, 0.9]. */
  readonly valFraction: number;
}

/** The paper's settings: AdamW lr 1e-5, weight decay 5e-2, batch 1024, 200 epochs, τ = 0.07, h = 1024. */
export const TRAIN_DEFAULTS = {
  hiddenDim: 1024,
  lr: 1e-5,
  weightDecay: 5e-2,
  ...ADAMW_GRAPH_DEFAULTS,
  batchSize: 1024,
  epochs: 200,
  temperature: 0.07,
  seed: 0,
  valFraction: 0.1,
} satisfies TrainConfig;

/** Fills defaults and checks ranges; throws naming the offending setting and its value. */
export function resolveTrainConfig(partial: Partial<TrainConfig> = {}): TrainConfig {
  const c: TrainConfig = { ...TRAIN_DEFAULTS, ...stripUndefined(partial) };
  const positiveInt = ['hiddenDim', 'batchSize', 'epochs'] as const;
  for (const k of positiveInt) if (!Number.isInteger(c[k]) || c[k] < 1) throw new Error(`training setting ${k} must be an integer ≥ 1, got ${c[k]}`);
  const positive = ['lr', 'temperature', 'eps'] as const;
  for (const k of positive) if (!(c[k] > 0) || !Number.isFinite(c[k])) throw new Error(`training setting ${k} must be a number > 0, got ${c[k]}`);
  if (!(c.weightDecay >= 0)) throw new Error(`training setting weightDecay must be ≥ 0, got ${c.weightDecay}`);
  for (const k of ['beta1', 'beta2'] as const) if (!(c[k] >= 0 && c[k] < 1)) throw new Error(`training setting ${k} must be in [0, 1), got ${c[k]}`);
  if (!(c.valFraction >= 0 && c.valFraction <= 0.9)) throw new Error(`training setting valFraction must be in [0, 0.9], got ${c.valFraction}`);
  if (!Number.isInteger(c.seed)) throw new Error(`training setting seed must be an integer, got ${c.seed}`);
  return c;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
