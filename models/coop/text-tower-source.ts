/**
 * Where a prompt-learning run gets the text tower's weights: a CLIP `.safetensors` file. An ONNX-only CLIP folder
 * has no weights to rebuild the tower from and is refused by name.
 */
import type { ClipManifest } from '../store/manifests.js';

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
