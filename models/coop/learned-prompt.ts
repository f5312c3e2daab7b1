/**
 * A learned prompt (CoOp, Zhou et al. 2022) for a frozen CLIP / DeCLIP text tower: M context vectors in the tower's
 * token-embedding space that replace M tokens before the class words of the positive and negative prompt
 * (`[BOS] X₁ … X_M good photo. [EOS]`), trained so that eq. 8 (models/declip/zero-shot.ts) on the image embeddings
 * fits MOS (docs/coop.md). Everything here is plain data: the prompt file (safetensors: the context tensor plus
 * this record, minus `context`, in the header) is written around {@link LearnedPrompt}, and {@link learnedPromptSchema}
 * is the one check of what a file holds.
 *
 * Context sets: `shared` = one set [1, M, d] used by both prompts (CoOp's unified context), `per-class` = one set per
 * prompt [2, M, d], positive first (CoOp's class-specific context).
 */
import { z } from 'zod';
import { CLIP_ACTIVATIONS, CLIP_KEY_LAYOUTS } from '../clip/clip-layers.js';
import type { PromptPair } from '../iqa/prompts.js';
import { SCORE_SPACES } from '../iqa/iqa-scoring.js';

/** Format tag stored with every learned prompt; bump when the meaning of a field changes. */
export const LEARNED_PROMPT_FORMAT = 'perceptgraph.coop.v1';

/** How many context sets: one for both prompts, or one per prompt (positive, negative). */
export const CONTEXT_MODES = ['shared', 'per-class'] as const;
export type ContextMode = (typeof CONTEXT_MODES)[number];

/**
 * Training losses on eq. 8's s̄ ∈ (0, 1): `mse` = mean (s̄ − MOS₀₁)² with MOS scaled to [0, 1]; `fidelity` = Tsai et
 * al.'s fidelity loss on every ordered pair of the batch (docs/coop.md).
 */
export const PROMPT_LOSSES = ['mse', 'fidelity'] as const;
export type PromptLoss = (typeof PROMPT_LOSSES)[number];

/**
 * Which text tower a prompt belongs to: the context vectors only mean something in that tower's embedding space.
 * `sha256` is the weights file's content hash (models/ldm/source-hash.ts, the same hash that names the converted
 * CLIP in the cache); the sizes let a message say how two towers differ. Two identities match when every field but
 * `source` is equal (see {@link textTowerMismatch}).
 */
export const textTowerIdentitySchema = z.object({
  /** sha256 (hex) of the CLIP `.safetensors` file the tower was built from. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The file's base name when trained, for messages only. */
  source: z.string(),
  layout: z.enum(CLIP_KEY_LAYOUTS),
  /** Key prefix of the text tower in that file (`text_model.` in HF files, '' in OpenCLIP ones). */
  prefix: z.string(),
  width: z.number().int().positive(),
  layers: z.number().int().positive(),
  vocabSize: z.number().int().positive(),
  /** Width of the text projection (= the image embedding width d the prompt scores against). */
  projectionDim: z.number().int().positive(),
  activation: z.enum(CLIP_ACTIVATIONS),
});
export type TextTowerIdentity = z.infer<typeof textTowerIdentitySchema>;

/** Hyper-parameters of one training run (stored in the file; defaults declared once in {@link PROMPT_TRAINING_DEFAULTS}). */
export const promptTrainingConfigSchema = z.object({
  /** M, the number of context vectors (CoOp's default 16). */
  contextLength: z.number().int().min(1).max(64),
  contextMode: z.enum(CONTEXT_MODES),
  loss: z.enum(PROMPT_LOSSES),
  epochs: z.number().int().min(0),
  batchSize: z.number().int().min(2),
  /** AdamW learning rate. */
  lr: z.number().positive(),
  /** AdamW decoupled weight decay λ (pulls the context towards 0, not towards its initialisation). */
  weightDecay: z.number().min(0),
  /** Seeds the batch order and the validation split. */
  seed: z.number().int(),
  /** k of eq. 8 (1/T); CLIP's logit scale 100 by default. */
  logitScale: z.number().positive(),
  /** Share of the images held out for validation metrics (0 = none). */
  valFraction: z.number().min(0).max(0.9),
});
export type PromptTrainingConfig = z.infer<typeof promptTrainingConfigSchema>;

/** Defaults of {@link PromptTrainingConfig}: CoOp's M = 16 with a unified context, lr 2e-3 (CoOp's), k = 100. */
export const PROMPT_TRAINING_DEFAULTS = {
  contextLength: 16,
  contextMode: 'shared',
  loss: 'mse',
  epochs: 10,
  batchSize: 32,
  lr: 2e-3,
  weightDecay: 0,
  seed: 0,
  logitScale: 100,
  valFraction: 0,
} as const satisfies PromptTrainingConfig;

/** Fills the defaults and validates; @throws ZodError naming the bad field. */
export function resolvePromptTrainingConfig(partial: Partial<PromptTrainingConfig> = {}): PromptTrainingConfig {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  return promptTrainingConfigSchema.parse({ ...PROMPT_TRAINING_DEFAULTS, ...defined });
}

/** A coefficient or loss; null where it is undefined (constant scores, too few images), so it survives JSON. */
const metric = z.number().nullable();

/**
 * SRCC / PLCC (plain Pearson) of eq. 8's scores against MOS, and the loss (mean over consecutive chunks of
 * `batchSize` images, the size it is trained on), on one split.
 */
export const promptSplitMetricsSchema = z.object({
  n: z.number().int().min(0),
  srcc: metric,
  plcc: metric,
  loss: metric,
});
export type PromptSplitMetrics = z.infer<typeof promptSplitMetricsSchema>;

/** One epoch of a run. */
export const promptEpochRecordSchema = z.object({
  /** 1-based. */
  epoch: z.number().int().positive(),
  /** AdamW steps taken so far. */
  step: z.number().int().min(0),
  /** Mean step loss over the epoch (before each step's update). */
  trainLoss: metric,
  train: promptSplitMetricsSchema,
  val: promptSplitMetricsSchema.optional(),
  seconds: z.number().min(0),
});
export type PromptEpochRecord = z.infer<typeof promptEpochRecordSchema>;

/** What a run measured: the final metrics, the hand-written prompt's on the same splits, and the history. */
export const promptMetricsSchema = z.object({
  train: promptSplitMetricsSchema,
  val: promptSplitMetricsSchema.optional(),
  /** The hand-written pair (context = its initialisation is NOT this; this is the plain pair) on the same splits. */
  baseline: z.object({ train: promptSplitMetricsSchema, val: promptSplitMetricsSchema.optional() }),
  history: z.array(promptEpochRecordSchema),
});
export type PromptMetrics = z.infer<typeof promptMetricsSchema>;

const contextSchema = z.object({
  data: z.instanceof(Float32Array),
  /** [nCtxSets, M, d]: nCtxSets 1 (`shared`) or 2 (`per-class`, positive then negative). */
  dims: z.tuple([z.number().int().min(1).max(2), z.number().int().positive(), z.number().int().positive()]),
});

/** A learned prompt; see the module comment. */
export const learnedPromptSchema = z
  .object({
    format: z.literal(LEARNED_PROMPT_FORMAT),
    context: contextSchema,
    /** The hand-written pair whose words follow the context (and whose tokens initialised it). */
    pair: z.object({ positive: z.string().min(1), negative: z.string().min(1), direction: z.string() }),
    model: textTowerIdentitySchema,
    /** The image-embedding space it was trained against (DeCLIP's perceptual space by default). */
    space: z.enum(SCORE_SPACES),
    loss: z.enum(PROMPT_LOSSES),
    metrics: promptMetricsSchema,
    options: promptTrainingConfigSchema,
  })
  .superRefine((p, ctx) => {
    const [sets, m, d] = p.context.dims;
    if (p.context.data.length !== sets * m * d) ctx.addIssue({ code: 'custom', path: ['context'], message: `context holds ${p.context.data.length} values, dims [${sets}, ${m}, ${d}] need ${sets * m * d}` });
    if (sets !== (p.options.contextMode === 'shared' ? 1 : 2)) ctx.addIssue({ code: 'custom', path: ['context'], message: `${p.options.contextMode} context needs ${p.options.contextMode === 'shared' ? 1 : 2} set(s), got ${sets}` });
    if (m !== p.options.contextLength) ctx.addIssue({ code: 'custom', path: ['context'], message: `context has M = ${m}, options say ${p.options.contextLength}` });
    if (d !== p.model.width) ctx.addIssue({ code: 'custom', path: ['context'], message: `context width ${d} differs from the text tower's ${p.model.width}` });
  });
export type LearnedPrompt = z.infer<typeof learnedPromptSchema> & { readonly pair: PromptPair };

/**
 * Why a prompt trained for tower `trained` cannot be used with tower `current`, or undefined when they match.
 * The message names both files and the first differing field.
 */
export function textTowerMismatch(trained: TextTowerIdentity, current: TextTowerIdentity): string | undefined {
  for (const k of ['layout', 'prefix', 'width', 'layers', 'vocabSize', 'projectionDim', 'activation', 'sha256'] as const) {
    if (trained[k] !== current[k]) {
      return `this prompt was learned for the CLIP text tower of ${trained.source} (${k} ${String(trained[k]).slice(0, 16)}), ` +
        `not for ${current.source} (${k} ${String(current[k]).slice(0, 16)}): learn a prompt for this CLIP with \`iqa tune\``;
    }
  }
  return undefined;
}
