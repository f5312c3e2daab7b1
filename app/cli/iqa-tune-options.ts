/**
 * Options shared by `perceptgraph iqa tune` and `iqa cross` (docs/coop.md): the scoring model, the hand-written
 * pair the context is learned for, and the training hyper-parameters. Bad values are usage errors (exit 2).
 */
import { UsageError } from './usage-error.js';
import { CONTEXT_MODES, PROMPT_LOSSES, PROMPT_TRAINING_DEFAULTS as D, type PromptTrainingConfig } from '../../models/coop/learned-prompt.js';
import { parseModelSpec } from '../../models/iqa/eval/model-config.js';
import { customPromptPair, promptPreset, type PromptPair } from '../../models/iqa/prompts.js';
import type { TuneModelSpec } from '../../models/coop/tune-job.js';

/** parseArgs option table of the training flags. */
export const TUNE_OPTIONS = {
  model: { type: 'string' }, pair: { type: 'string', default: 'technical' }, positive: { type: 'string' }, negative: { type: 'string' },
  epochs: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' }, 'weight-decay': { type: 'string' },
  seed: { type: 'string' }, loss: { type: 'string' }, 'context-length': { type: 'string' }, 'context-mode': { type: 'string' },
  'val-fraction': { type: 'string' }, 'logit-scale': { type: 'string' },
  'data-dir': { type: 'string' }, device: { type: 'string', default: 'auto' }, 'no-cache': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const;

/** Usage lines of {@link TUNE_OPTIONS}. */
export const TUNE_USAGE = `  --model SPEC          the scoring model, as iqa eval's --model: clip=<.safetensors CLIP>[,projector=F][,space=S]
  --pair ID             the hand-written pair the context is learned for (a preset id, default technical),
                        or --positive P --negative N
  --epochs N            (default ${D.epochs})    --batch-size N (default ${D.batchSize})
  --lr X                AdamW learning rate (default ${D.lr})    --weight-decay X (default ${D.weightDecay})
  --seed N              batch order and validation split (default ${D.seed})
  --loss L              ${PROMPT_LOSSES.join(' | ')} (default ${D.loss})
  --context-length M    learned context vectors (default ${D.contextLength})
  --context-mode C      ${CONTEXT_MODES.join(' | ')} (default ${D.contextMode})
  --val-fraction X      share held out for validation metrics (default ${D.valFraction})
  --logit-scale K       k of eq. 8 (default ${D.logitScale})
  --data-dir DIR        data directory (models/ and cache/)    --device D (default auto)    --no-cache`;

type Values = Partial<Record<keyof typeof TUNE_OPTIONS, string | boolean | undefined>>;

function num(values: Values, key: keyof typeof TUNE_OPTIONS, int: boolean): number | undefined {
  const v = values[key];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || (int && !Number.isInteger(n))) throw new UsageError(`--${key} must be ${int ? 'an integer' : 'a number'}, got ${String(v)}`);
  return n;
}

function oneOf<T extends string>(values: Values, key: keyof typeof TUNE_OPTIONS, choices: readonly T[]): T | undefined {
  const v = values[key] as string | undefined;
  if (v !== undefined && !choices.includes(v as T)) throw new UsageError(`--${key} must be one of ${choices.join(', ')}, got ${v}`);
  return v as T | undefined;
}

/** The training config of the flags (defaults left to resolvePromptTrainingConfig). */
export function tuneConfig(values: Values): Partial<PromptTrainingConfig> {
  const config = {
    epochs: num(values, 'epochs', true), batchSize: num(values, 'batch-size', true), lr: num(values, 'lr', false),
    weightDecay: num(values, 'weight-decay', false), seed: num(values, 'seed', true), loss: oneOf(values, 'loss', PROMPT_LOSSES),
    contextLength: num(values, 'context-length', true), contextMode: oneOf(values, 'context-mode', CONTEXT_MODES),
    valFraction: num(values, 'val-fraction', false), logitScale: num(values, 'logit-scale', false),
  };
  if (config.epochs !== undefined && config.epochs < 0) throw new UsageError('--epochs must be ≥ 0');
  if (config.batchSize !== undefined && config.batchSize < 2) throw new UsageError('--batch-size must be ≥ 2 (the fidelity loss compares pairs)');
  if (config.contextLength !== undefined && (config.contextLength < 1 || config.contextLength > 64)) throw new UsageError('--context-length must be 1…64');
  if (config.lr !== undefined && !(config.lr > 0)) throw new UsageError('--lr must be positive');
  return config;
}

/** The scoring model of `--model`. */
export function tuneModel(values: Values): TuneModelSpec {
  if (!values.model) throw new UsageError('--model SPEC is required (e.g. --model clip=my-clip,projector=declip.safetensors,space=perceptual)');
  try {
    const c = parseModelSpec(String(values.model));
    return { clip: c.clip, projector: c.projector, space: c.space };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The hand-written pair of `--pair` or `--positive`/`--negative`. */
export function tunePair(values: Values): PromptPair {
  try {
    if (values.positive !== undefined || values.negative !== undefined) return customPromptPair(String(values.positive ?? ''), String(values.negative ?? ''));
    return promptPreset(String(values.pair));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
