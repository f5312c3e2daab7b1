/**
 * The `prompt_file` input of the scoring nodes (QualityScore, AttributeScores, GatedGenerate): a learned prompt
 * from `models/prompts/` (docs/coop.md, "Scoring with a prompt file"), or "none" for the hand-written pairs. The
 * file is encoded with the DECLIP model's own CLIP text tower; a file learned for another CLIP is refused.
 */
import { statSync } from 'node:fs';
import { combo } from '../../server/engine/inputs.js';
import type { NodeCtx } from '../define-node.js';
import type { NodeServices } from '../services.js';
import { storeNames } from '../model-runtime.js';
import type { DeclipModel } from '../../models/declip/declip-model.js';
import type { LearnedPairTexts } from '../../models/iqa/iqa-scoring.js';
import { loadLearnedPair } from '../../models/coop/prompt-scoring.js';

/** The choice meaning "no prompt file: the hand-written pairs". */
export const NO_PROMPT_FILE = 'none';

/** The optional `prompt_file` combo: "none" or a file in models/prompts. */
export const promptFileInput = (tooltip: string) =>
  combo((services?: NodeServices) => [NO_PROMPT_FILE, ...storeNames(services, 'prompts')], { default: NO_PROMPT_FILE, tooltip });

/** The learned pair of `name` for `declip`, or undefined for "none" (or no value). */
export async function learnedPairOf(ctx: NodeCtx, declip: DeclipModel, name: string | undefined): Promise<LearnedPairTexts | undefined> {
  if (name === undefined || name === NO_PROMPT_FILE) return undefined;
  const { models, dirs } = ctx.services;
  return loadLearnedPair({
    file: models.store.resolvePrompt(name).file, clip: models.store.resolveClip(declip.clipName), tokenizer: declip.tokenizer,
    pool: models.pool, cacheDir: dirs.cache, signal: ctx.signal,
  });
}

/**
 * Fingerprint part of a prompt file (size and mtime), so a file retrained in place re-runs the scoring node; ''
 * for none, the error message for a missing file (validation reports it).
 */
export function promptFileStamp(services: NodeServices, name: unknown): string {
  if (name === undefined || name === NO_PROMPT_FILE) return '';
  try {
    const s = statSync(services.models.store.resolvePrompt(String(name)).file);
    return `${s.size}:${s.mtimeMs}`;
  } catch (err) {
    return (err as Error).message;
  }
}
