/**
 * Zero-shot IQA over EMBEDS with a DeCLIP model: picks the embedding space, encodes the prompt pair through the
 * (model, text) cache, and applies eq. 8 (see zero-shot.ts). Shared by the QualityScore / AttributeScores nodes and
 * the `iqa eval` harness, so all three score the same way.
 */
import { ATTRIBUTE_PROMPTS, type PromptPair, type PromptPreset } from './prompts.js';
import type { DeclipModel } from '../declip/declip-model.js';
import { embedPart, type EmbedPart, type ImageEmbeds, type Scores } from '../declip/types.js';
import { antonymScores, meanScores } from '../declip/zero-shot.js';

/** Where to score: DeCLIP's perceptual or semantic space, or vanilla CLIP ('raw' and 'clip' are the same f_I). */
export const SCORE_SPACES = ['perceptual', 'semantic', 'raw', 'clip'] as const;
/** One of {@link SCORE_SPACES}. */
export type ScoreSpace = (typeof SCORE_SPACES)[number];

/** The EMBEDS part a space reads. */
export function spacePart(space: ScoreSpace): EmbedPart {
  return space === 'clip' ? 'raw' : space;
}

/** Human name of a space, for score labels. */
export function spaceLabel(space: ScoreSpace): string {
  return { perceptual: 'DeCLIP perceptual', semantic: 'DeCLIP semantic', raw: 'CLIP raw', clip: 'CLIP' }[space];
}

/**
 * Checks that EMBEDS can be scored with `model`'s text encoder in `space`: the raw part needs the same CLIP files,
 * the projected parts need the same CLIP files and projector.
 * @throws Error naming both models when they differ
 */
export function checkEmbedsModel(embeds: ImageEmbeds, model: DeclipModel, space: ScoreSpace): void {
  const ok = spacePart(space) === 'raw' ? embeds.modelKey.startsWith(`${model.clipKey}|`) : embeds.modelKey === model.key;
  if (!ok) {
    throw new Error(`these EMBEDS come from ${embeds.modelKey}, but the scoring model is ${model.key}: encode with the same DECLIP model`);
  }
}

/**
 * A learned prompt pair (CoOp, models/coop/prompt-scoring.ts) ready for eq. 8: the text embeddings of its two
 * prompts with the context vectors in place, which replace the hand-written pair's embeddings wherever that pair is
 * scored (docs/coop.md, "Scoring with a prompt file").
 */
export interface LearnedPairTexts {
  /** The hand-written pair the context was learned for (its class words follow the context). */
  readonly pair: PromptPair;
  /** Normalised text embeddings [2, P], positive row first. */
  readonly text: Float32Array;
  /** The image space it was trained against; scoring in another space is refused. */
  readonly space: ScoreSpace;
  /** The prompt file's name, for labels and messages. */
  readonly name: string;
}

/** Whether `learned` was made for `pair` (same two prompt strings). */
export function learnedFor(learned: LearnedPairTexts, pair: Pick<PromptPair, 'positive' | 'negative'>): boolean {
  return learned.pair.positive === pair.positive && learned.pair.negative === pair.negative;
}

/** @throws Error naming the prompt file when it was learned in another embedding space than `space` */
export function checkLearnedSpace(learned: LearnedPairTexts, space: ScoreSpace): void {
  if (spacePart(learned.space) !== spacePart(space)) {
    throw new Error(`prompt file ${learned.name} was learned on ${spaceLabel(learned.space)} embeddings; score in that space (space = ${learned.space}), not ${space}`);
  }
}

/** Options of {@link scorePair}. */
export interface ScorePairOptions {
  readonly model: DeclipModel;
  readonly embeds: ImageEmbeds;
  readonly space: ScoreSpace;
  readonly pair: PromptPair;
  /** k of eq. 8; default 100. */
  readonly logitScale?: number;
  /** A learned prompt: used instead of the hand-written embeddings when it was learned for `pair`. */
  readonly learned?: LearnedPairTexts;
  readonly signal?: AbortSignal;
}

async function pairTexts(o: ScorePairOptions): Promise<Float32Array> {
  if (o.learned && learnedFor(o.learned, o.pair)) {
    checkLearnedSpace(o.learned, o.space);
    return o.learned.text;
  }
  return (await o.model.encodeTexts([o.pair.positive, o.pair.negative], o.signal)).data;
}

/**
 * Eq. 8 scores of one antonym pair: one value in (0, 1) per image, higher = more like `pair.positive`; with
 * `learned` for this pair, the learned prompts' embeddings stand in for the hand-written ones.
 */
export async function scorePair(o: ScorePairOptions): Promise<number[]> {
  checkEmbedsModel(o.embeds, o.model, o.space);
  if (o.embeds.count === 0) return [];
  const data = await pairTexts(o);
  const text = { data, dims: [2, data.length / 2] };
  const d = text.dims[1]!;
  return antonymScores({
    images: embedPart(o.embeds, spacePart(o.space)),
    positive: text.data.subarray(0, d),
    negative: text.data.subarray(d, 2 * d),
    logitScale: o.logitScale,
  });
}

/** Which attributes {@link scoreAttributes} scores. */
export const ATTRIBUTE_GROUPS = ['all', 'technical', 'aesthetic'] as const;
/** One of {@link ATTRIBUTE_GROUPS}. */
export type AttributeGroup = (typeof ATTRIBUTE_GROUPS)[number];

/** The attribute presets of a group, in the paper's Table 4 order. */
export function attributePresets(group: AttributeGroup): readonly PromptPreset[] {
  return ATTRIBUTE_PROMPTS.filter((p) => group === 'all' || p.group === group);
}

/**
 * SCORES with one list per attribute (keyed by preset id, e.g. `noise`, where higher = cleaner) plus their mean as
 * `values`. `directions` states what "higher" means for each attribute. With `learned`, the attribute whose pair it
 * was learned for is scored with the learned prompts.
 * @throws Error when `learned` belongs to no attribute of the group
 */
export async function scoreAttributes(o: Omit<ScorePairOptions, 'pair'> & { readonly group: AttributeGroup }): Promise<Scores> {
  const presets = attributePresets(o.group);
  if (o.learned && !presets.some((p) => learnedFor(o.learned!, p))) {
    throw new Error(`prompt file ${o.learned.name} was learned for '${o.learned.pair.positive}' / '${o.learned.pair.negative}', which is not one of the ` +
      `${o.group} attribute pairs (${presets.map((p) => p.id).join(', ')}): learn it for an attribute pair, or score it with QualityScore`);
  }
  const attributes: Record<string, number[]> = {};
  const directions: Record<string, string> = {};
  for (const p of presets) {
    attributes[p.id] = await scorePair({ ...o, pair: p });
    directions[p.id] = p.direction;
  }
  const groupName = o.group === 'all' ? 'all attributes' : `${o.group} attributes`;
  return {
    label: `mean of ${groupName} (${spaceLabel(o.space)})${o.learned ? `, learned prompt ${o.learned.name}` : ''}`,
    values: o.embeds.count === 0 ? [] : meanScores(Object.values(attributes)),
    attributes,
    directions,
  };
}
