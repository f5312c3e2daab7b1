/**
 * Model configurations of `perceptgraph iqa eval`: which CLIP folder, projector, embedding space, prompt pair and
 * logit scale score the images. Several run side by side; configs on the same CLIP files share one pass of the
 * image encoder.
 */
import { CLIP_LAYOUT_CHOICES, type ClipLayoutChoice } from '../../clip/clip-towers.js';
import { NO_PROJECTOR } from '../../declip/declip-model.js';
import { SCORE_SPACES, type ScoreSpace } from '../iqa-scoring.js';
import { DEFAULT_LOGIT_SCALE } from '../../declip/zero-shot.js';
import { customPromptPair, promptPreset, type PromptPair } from '../prompts.js';

/** One scored column of the evaluation. */
export interface EvalModelConfig {
  /** Column name in the table and files. */
  readonly name: string;
  /** A `clip` model in the store. */
  readonly clip: string;
  /** A `declip` projector file, or 'none'. */
  readonly projector: string;
  readonly layout: ClipLayoutChoice;
  readonly space: ScoreSpace;
  /** A prompt preset id (technical, aesthetic, noise…) or a custom pair. */
  readonly prompt: string | { readonly positive: string; readonly negative: string };
  readonly logitScale: number;
  /** A learned prompt file (docs/coop.md): scores with its pair and context instead of `prompt`. */
  readonly promptFile?: string;
}

/** Defaults of a config; `name` and `clip` have none. */
export const CONFIG_DEFAULTS = {
  projector: NO_PROJECTOR, layout: 'auto', space: 'perceptual', prompt: 'technical', logitScale: DEFAULT_LOGIT_SCALE,
} as const satisfies Partial<EvalModelConfig>;

/** Vanilla CLIP against DeCLIP (perceptual space) on the default tiny CLIP, technical-quality prompts. */
export const DEFAULT_EVAL_MODELS: readonly EvalModelConfig[] = [
  { ...CONFIG_DEFAULTS, name: 'CLIP', clip: 'tiny-clip', space: 'clip' },
  { ...CONFIG_DEFAULTS, name: 'DeCLIP', clip: 'tiny-clip', projector: 'tiny-declip.safetensors', space: 'perceptual' },
];

/** The antonym pair of a config. */
export function configPromptPair(c: EvalModelConfig): PromptPair {
  return typeof c.prompt === 'string' ? promptPreset(c.prompt) : customPromptPair(c.prompt.positive, c.prompt.negative);
}

const KEYS = ['name', 'clip', 'projector', 'layout', 'space', 'prompt', 'positive', 'negative', 'logit_scale'] as const;

/**
 * Parses a `--model` spec: comma-separated `key=value` with keys name, clip, projector, layout, space, prompt
 * (a preset id), positive + negative (a custom pair) and logit_scale. Example:
 * `name=DeCLIP,clip=tiny-clip,projector=tiny-declip.safetensors,space=perceptual,prompt=technical`.
 * @throws Error naming the unknown key or bad value
 */
export function parseModelSpec(spec: string): EvalModelConfig {
  const fields = new Map<string, string>();
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? '' : part.slice(0, eq).trim();
    if (!(KEYS as readonly string[]).includes(key)) throw new Error(`model spec "${spec}": "${part}" is not key=value with a key of ${KEYS.join(', ')}`);
    fields.set(key, part.slice(eq + 1).trim());
  }
  const clip = fields.get('clip');
  if (!clip) throw new Error(`model spec "${spec}": clip=<model folder> is required`);
  const space = (fields.get('space') ?? CONFIG_DEFAULTS.space) as ScoreSpace;
  if (!SCORE_SPACES.includes(space)) throw new Error(`model spec "${spec}": space must be one of ${SCORE_SPACES.join(', ')}`);
  const layout = (fields.get('layout') ?? CONFIG_DEFAULTS.layout) as EvalModelConfig['layout'];
  if (!(CLIP_LAYOUT_CHOICES as readonly string[]).includes(layout)) throw new Error(`model spec "${spec}": layout must be one of ${CLIP_LAYOUT_CHOICES.join(', ')}`);
  const logitScale = Number(fields.get('logit_scale') ?? CONFIG_DEFAULTS.logitScale);
  if (!(logitScale > 0)) throw new Error(`model spec "${spec}": logit_scale must be a positive number`);
  const pos = fields.get('positive');
  const neg = fields.get('negative');
  if ((pos === undefined) !== (neg === undefined)) throw new Error(`model spec "${spec}": give both positive= and negative=`);
  const prompt = pos !== undefined ? { positive: pos, negative: neg! } : (fields.get('prompt') ?? CONFIG_DEFAULTS.prompt);
  const projector = fields.get('projector') ?? CONFIG_DEFAULTS.projector;
  const config: EvalModelConfig = { name: fields.get('name') ?? `${clip}/${projector}/${space}`, clip, projector, layout, space, prompt, logitScale };
  configPromptPair(config); // validates the preset id or the custom pair now, not mid-run
  return config;
}
