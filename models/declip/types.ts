/**
 * Values that flow between the DeCLIP / IQA nodes: DECLIP, EMBEDS and SCORES sockets (docs/architecture.md).
 */
import type { FloatTensor } from '../tensors.js';

/** Which embedding space a vector lives in: CLIP's raw f_I, or DeCLIP's perceptual f_I(p) / semantic f_I(s). */
export type EmbedPart = 'raw' | 'perceptual' | 'semantic';

/**
 * EMBEDS: image embeddings of a batch, [B, d] per part. `DeCLIPImageEncode` fills all three parts;
 * `SplitEmbeds` emits values that carry only one part, so a graph can route each half on.
 */
export interface ImageEmbeds {
  /** Identity of the DeCLIP model that produced them (CLIP files + projector), for caches. */
  readonly modelKey: string;
  /** Embedding width d. */
  readonly dim: number;
  /** Batch size B. */
  readonly count: number;
  readonly raw?: FloatTensor;
  readonly perceptual?: FloatTensor;
  readonly semantic?: FloatTensor;
}

/** Returns one part of an EMBEDS value, or throws a message that says which parts it does carry. */
export function embedPart(embeds: ImageEmbeds, part: EmbedPart): FloatTensor {
  const t = embeds[part];
  if (!t) {
    const has = (['raw', 'perceptual', 'semantic'] as const).filter((p) => embeds[p]);
    throw new Error(`these EMBEDS carry only the ${has.join(' and ')} part(s) (split by SplitEmbeds); the ${part} part was asked for`);
  }
  return t;
}

/** SCORES: one value per image, plus optional per-attribute values (AttributeScores). */
export interface Scores {
  /** What was scored, e.g. "technical quality (perceptual)". */
  readonly label: string;
  /** One score per image, in the batch order of the images scored. Higher is better. */
  readonly values: readonly number[];
  /** Per-attribute scores, each one value per image (higher = more of the positive prompt, e.g. cleaner). */
  readonly attributes?: Readonly<Record<string, readonly number[]>>;
  /** What "higher" means, per attribute (e.g. noise: 'higher = cleaner (less noise)'). */
  readonly directions?: Readonly<Record<string, string>>;
}

/** TEXT_EMBEDS: text embeddings E_T(text) [N, d] of N prompts, in order. */
export interface TextEmbeds {
  /** Identity of the CLIP files that encoded them (DeclipModel.clipKey). */
  readonly modelKey: string;
  readonly texts: readonly string[];
  readonly embeds: FloatTensor;
}
