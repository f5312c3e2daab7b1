/**
 * The two callbacks of gated generation for SD1.5 + DeCLIP, built from the existing layers (no copies):
 * - generate: `sdSample` (KSampler semantics, DP-Adapter patch honoured) then `vaeDecode`;
 * - score: `DeclipModel.encodeImages` then the QualityScore (`scorePair` with a QUALITY_PROMPTS preset) or
 *   AttributeScores (`scoreAttributes`) maths, in the chosen embedding space.
 */
import type { DeclipModel } from '../declip/declip-model.js';
import { scoreAttributes, scorePair, spaceLabel, type LearnedPairTexts, type ScoreSpace } from '../iqa/iqa-scoring.js';
import type { Scores } from '../declip/types.js';
import { QUALITY_PROMPTS } from '../iqa/prompts.js';
import { sdSample, type SdSampleOptions } from '../sd/sample.js';
import type { SessionSource } from '../sd/sessions.js';
import type { SdVae } from '../sd/types.js';
import { vaeDecode } from '../sd/vae.js';
import type { ImageBatch } from '../tensors.js';

/** What a gate scores with: QualityScore's two presets or AttributeScores' three groups (mean of the attributes). */
export const GATE_SCORERS = [
  'quality: technical',
  'quality: aesthetic',
  'attributes: technical',
  'attributes: aesthetic',
  'attributes: all',
] as const;
/** One of {@link GATE_SCORERS}. */
export type GateScorer = (typeof GATE_SCORERS)[number];

/** Options of {@link scoreImages}. */
export interface ScoreImagesOptions {
  readonly declip: DeclipModel;
  readonly images: ImageBatch;
  readonly scorer: GateScorer;
  readonly space: ScoreSpace;
  /** k of eq. 8 (default 100); ranks do not depend on it, thresholds do. */
  readonly logitScale?: number;
  /**
   * A learned prompt (docs/coop.md): a quality scorer scores with its pair and context instead of the preset; an
   * attribute scorer uses it for the attribute it was learned for.
   */
  readonly learned?: LearnedPairTexts;
  readonly signal?: AbortSignal;
}

/** SCORES of a batch, one value in (0, 1) per image, higher = better. */
export async function scoreImages(o: ScoreImagesOptions): Promise<Scores> {
  const embeds = await o.declip.encodeImages(o.images, { signal: o.signal });
  const common = { model: o.declip, embeds, space: o.space, logitScale: o.logitScale, learned: o.learned, signal: o.signal };
  const [kind, which] = o.scorer.split(': ') as ['quality' | 'attributes', string];
  if (kind === 'attributes') return scoreAttributes({ ...common, group: which as 'technical' | 'aesthetic' | 'all' });
  const preset = QUALITY_PROMPTS[which as keyof typeof QUALITY_PROMPTS];
  if (!preset) throw new Error(`GatedGenerate: unknown scorer "${o.scorer}" (expected one of: ${GATE_SCORERS.join(', ')})`);
  if (o.learned) {
    const label = `learned '${o.learned.pair.positive}' vs '${o.learned.pair.negative}' (${o.learned.name}, ${spaceLabel(o.space)})`;
    return { label, values: await scorePair({ ...common, pair: o.learned.pair }) };
  }
  return { label: `${preset.label} (${spaceLabel(o.space)})`, values: await scorePair({ ...common, pair: preset }) };
}

/** Options of {@link generateImages}: one KSampler run (seed given per call) plus the VAE. */
export interface GenerateImagesOptions extends Omit<SdSampleOptions, 'seed' | 'sessions'> {
  readonly sessions: SessionSource;
  readonly vae: SdVae;
}

/** Samples the latent batch with `seed` and decodes it: IMAGE [B, 8h, 8w, 3]. */
export async function generateImages(o: GenerateImagesOptions, seed: bigint): Promise<ImageBatch> {
  // seed + i per image (not ComfyUI's one batch stream), so each seed GatedGenerate reports reproduces its image alone.
  const latent = await sdSample({ noiseRule: 'seed-plus-index', ...o, seed });
  return vaeDecode({ sessions: o.sessions, vae: o.vae, latent, signal: o.signal });
}
