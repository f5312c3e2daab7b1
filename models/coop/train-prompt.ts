/**
 * `trainPrompt`: CoOp prompt learning for a frozen CLIP / DeCLIP (docs/coop.md). The text tower is rebuilt as ONNX
 * graphs from the CLIP `.safetensors` weights (a step graph with the forward pass, the loss, a hand-written backward
 * pass through every layer and the AdamW update of the context, one session run per batch), the image embeddings
 * are cached and frozen, and only the M context vectors change.
 */
import type { SessionPool } from '../onnx/session-pool.js';
import type { ClipManifest } from '../store/manifests.js';
import type { ClipTokenizer } from '../tokenizers/clip-bpe.js';
import type { PromptPair } from '../iqa/prompts.js';
import type { ScoreSpace } from '../iqa/iqa-scoring.js';
import type { LearnedPrompt, PromptEpochRecord, PromptTrainingConfig } from './learned-prompt.js';

/** Where the text tower's weights are: a CLIP `.safetensors` (HF or OpenCLIP layout) and its HF config.json. */
export interface TextTowerSource {
  readonly file: string;
  readonly config?: string;
  /** Name for messages (the store name); default the file's base name. */
  readonly name?: string;
}

/** A model that cannot be tuned (an ONNX-only CLIP, a file without a text tower); the message names it. */
export class PromptModelError extends Error {
  override readonly name = 'PromptModelError';
}

/**
 * The weights of a store CLIP for prompt learning.
 * @throws PromptModelError naming the model when it is an ONNX folder without a `.safetensors` weights file
 */
export function textTowerSourceOf(manifest: ClipManifest): TextTowerSource {
  if (!manifest.safetensors) {
    throw new PromptModelError(
      `CLIP ${manifest.name} is an ONNX folder (${manifest.dir}) without its weights: prompt learning rebuilds the text tower ` +
        'from a .safetensors file (Hugging Face or OpenCLIP layout); put the CLIP .safetensors in the clip models folder and tune that',
    );
  }
  return { file: manifest.safetensors.file, config: manifest.safetensors.config, name: manifest.name };
}

/** The training images: embeddings of the space the prompt scores in, and their MOS. */
export interface PromptTrainingData {
  /** [N, P] image embeddings, row-major (normalised inside; for DeCLIP the perceptual part f_I(p)). */
  readonly images: Float32Array;
  /** P, the projection width of the text tower. */
  readonly dim: number;
  /** N subjective scores, any scale (higher = better); scaled to [0, 1] by `mosRange`. */
  readonly mos: ArrayLike<number>;
  /** [lowest, highest] possible MOS; default the data's own min and max. */
  readonly mosRange?: readonly [number, number];
}

/** Options of {@link trainPrompt}. */
export interface PromptTrainingOptions {
  readonly tower: TextTowerSource;
  /** The CLIP's tokenizer (DeclipModel.tokenizer). */
  readonly tokenizer: ClipTokenizer;
  /** The hand-written pair: its words follow the context and its tokens initialise it. */
  readonly pair: PromptPair;
  readonly data: PromptTrainingData;
  /** Recorded in the prompt: which image space `data.images` are in; default 'perceptual'. */
  readonly space?: ScoreSpace;
  readonly config?: Partial<PromptTrainingConfig>;
  readonly pool: SessionPool;
  /** `<data>/cache`: the generated graphs and their weight data go under `<cacheDir>/coop/`. */
  readonly cacheDir: string;
  /** Written after every epoch (context, AdamW moments, step, epoch), so an interrupted run can resume. */
  readonly stateFile?: string;
  /** Continue from this state file (same tower, pair, data and options; `config.epochs` may grow). */
  readonly resumeFrom?: string;
  /** After each epoch, with the total number of epochs. */
  readonly onEpoch?: (record: PromptEpochRecord, epochs: number) => void;
  readonly signal?: AbortSignal;
}

/**
 * Learns the context vectors; see the module comment. Deterministic for a given seed.
 * @throws PromptModelError for a file without a text tower; Error for bad data (sizes, too few images)
 */
export async function trainPrompt(o: PromptTrainingOptions): Promise<LearnedPrompt> {
  void o;
  throw new Error('trainPrompt: not implemented yet');
}
