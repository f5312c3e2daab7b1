/**
 * Where a single-file SD1.5 checkpoint's tokenizer comes from. The file holds the text encoder's weights but not
 * its BPE vocabulary, so it is looked up in `<models>/tokenizers/` and any extra `tokenizers` folders
 * (`--extra-model-paths`; docs/ldm-checkpoints.md): first a folder named like the checkpoint (without
 * `.safetensors`), then `clip-vit-large-patch14/` (the tokenizer of SD1.5's text encoder,
 * `openai/clip-vit-large-patch14`), then `sd1_tokenizer/` (the copy ComfyUI ships in `comfy/`).
 */
import path from 'node:path';
import { tokenizerIn } from '../store/folder-probe.js';

/** The shared tokenizer folders, in lookup order after the per-checkpoint one. */
export const SD15_TOKENIZER_FOLDERS = ['clip-vit-large-patch14', 'sd1_tokenizer'] as const;

/**
 * The tokenizer folder for checkpoint `ckptName` (a file name in `checkpoints/`).
 * @param roots the `tokenizers` folders in search order, the data dir's own `<models>/tokenizers` first
 * @throws naming the folders looked in and what to put there
 */
export function checkpointTokenizerDir(roots: readonly string[], ckptName: string): string {
  const stem = ckptName.replace(/\.safetensors$/i, '');
  // The checkpoint's own tokenizer anywhere beats a shared one.
  const dirs = [stem, ...SD15_TOKENIZER_FOLDERS].flatMap((d) => roots.map((root) => path.join(root, d)));
  const found = tokenizerIn(dirs);
  if (found) return found.dir;
  throw new Error(
    `${ckptName}: a single-file checkpoint carries no tokenizer; put SD1.5's CLIP tokenizer (vocab.json + merges.txt of ` +
      `openai/clip-vit-large-patch14, or ComfyUI's comfy/sd1_tokenizer/) into ${path.join(roots[0]!, SD15_TOKENIZER_FOLDERS[0])} (looked in: ${dirs.join(', ')})`,
  );
}
