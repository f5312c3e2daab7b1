/**
 * Why a single-file checkpoint cannot be converted. Every message starts with the file's path, so the loader node's
 * error tells the user which file is wrong and what it is.
 */

/** The file is a valid safetensors file but not an SD1.5 checkpoint (SDXL, SD2, a LoRA, an embedding...). */
export class CheckpointKindError extends Error {
  override readonly name = 'CheckpointKindError';
  constructor(
    readonly file: string,
    /** What the file looks like, e.g. `an SDXL checkpoint`. */
    readonly what: string,
    readonly hint: string,
    /** What the loader wanted. */
    readonly expected = 'an SD1.5 checkpoint',
  ) {
    super(`${file} is ${what}, not ${expected}: ${hint}`);
  }
}
