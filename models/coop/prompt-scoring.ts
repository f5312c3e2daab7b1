/**
 * Scoring with a prompt file (docs/coop.md, "Scoring with a prompt file"): the learned context goes through the
 * text tower of the scoring model's CLIP `.safetensors` (the same encode graph training used), giving the two text
 * embeddings that eq. 8 then uses instead of the hand-written pair's. The file is refused when it was learned for
 * another text tower (another CLIP file, or one of other sizes): its context vectors mean nothing elsewhere.
 */
import path from 'node:path';
import type { LearnedPairTexts } from '../iqa/iqa-scoring.js';
import type { SessionPool } from '../onnx/session-pool.js';
import type { ClipManifest } from '../store/manifests.js';
import type { ClipTokenizer } from '../tokenizers/clip-bpe.js';
import { textTowerMismatch, type LearnedPrompt } from './learned-prompt.js';
import { readPromptFile } from './prompt-file.js';
import { encodePromptPair } from './prompt-runs.js';
import { openPromptEncoder } from './prompt-sessions.js';
import { promptTokenRows } from './prompt-tokens.js';
import { textTowerSourceOf, type TextTowerSource } from './text-tower-source.js';

/** A prompt file used with a CLIP it was not learned for; the message names both. */
export class PromptMismatchError extends Error {
  override readonly name = 'PromptMismatchError';
}

/** Options of {@link learnedPromptTexts}. */
export interface LearnedTextsOptions {
  readonly prompt: LearnedPrompt;
  /** Name for messages and labels (the file's). */
  readonly name: string;
  /** The scoring CLIP's weights. */
  readonly tower: TextTowerSource;
  readonly tokenizer: ClipTokenizer;
  readonly pool: SessionPool;
  /** `<data>/cache`. */
  readonly cacheDir: string;
  readonly signal?: AbortSignal;
}

/**
 * The learned pair's text embeddings through `o.tower`.
 * @throws PromptMismatchError naming both towers when the prompt was learned for another one
 */
export async function learnedPromptTexts(o: LearnedTextsOptions): Promise<LearnedPairTexts> {
  const { prompt } = o;
  const [sets, m] = prompt.context.dims;
  const encoder = await openPromptEncoder({
    tower: o.tower, pool: o.pool, cacheDir: o.cacheDir, contextLength: m, contextSets: sets as 1 | 2, signal: o.signal,
  });
  const problem = textTowerMismatch(prompt.model, encoder.tower.identity);
  if (problem) throw new PromptMismatchError(`prompt file ${o.name}: ${problem}`);
  const rows = promptTokenRows({
    tokenizer: o.tokenizer, pair: prompt.pair, contextLength: m, contextMode: prompt.options.contextMode, maxPositions: encoder.tower.structure.positions,
  });
  const text = await encodePromptPair({ session: encoder.encode, rows, dims: prompt.context.dims, context: prompt.context.data, signal: o.signal });
  return { pair: prompt.pair, text, space: prompt.space, name: o.name };
}

/** Options of {@link loadLearnedPair}. */
export interface LoadLearnedPairOptions {
  /** The prompt file. */
  readonly file: string;
  /** The scoring model's CLIP (a `.safetensors` CLIP: ONNX-only folders have no text tower weights to run it). */
  readonly clip: ClipManifest;
  readonly tokenizer: ClipTokenizer;
  readonly pool: SessionPool;
  readonly cacheDir: string;
  readonly signal?: AbortSignal;
}

/**
 * Reads a prompt file and encodes it for `o.clip`.
 * @throws PromptFileError for a file that is not a valid prompt; PromptModelError for an ONNX-only CLIP;
 *   PromptMismatchError for a prompt learned for another CLIP
 */
export async function loadLearnedPair(o: LoadLearnedPairOptions): Promise<LearnedPairTexts> {
  const prompt = await readPromptFile(o.file);
  return learnedPromptTexts({
    prompt, name: path.basename(o.file), tower: textTowerSourceOf(o.clip), tokenizer: o.tokenizer, pool: o.pool, cacheDir: o.cacheDir, signal: o.signal,
  });
}
