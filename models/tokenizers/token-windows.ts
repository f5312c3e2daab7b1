/** Splitting of per-word token lists into fixed-size windows for long prompts (ComfyUI `tokenize_with_weights`). */

/** ComfyUI's `max_word_length`: words with at least this many tokens may be split across windows. */
export const COMFY_MAX_WORD_LENGTH = 8;

/** Options of {@link splitWindows}. */
export interface SplitWindowsOptions {
  /** Content tokens per window (≥ 1). */
  readonly window: number;
  /** Move a short word (< 8 tokens) whole to the next window instead of splitting it. */
  readonly keepWords: boolean;
}

/** Packs words' tokens into windows of at most `window` tokens; always returns at least one (maybe empty) window. */
export function splitWindows(words: readonly (readonly number[])[], options: SplitWindowsOptions): number[][] {
  const { window, keepWords } = options;
  const out: number[][] = [[]];
  for (const word of words) {
    let rest = word;
    const splittable = !keepWords || rest.length >= COMFY_MAX_WORD_LENGTH || rest.length > window;
    while (rest.length > 0) {
      const current = out[out.length - 1]!;
      const room = window - current.length;
      if (rest.length <= room) {
        current.push(...rest);
        rest = [];
      } else if (splittable || current.length === 0) {
        current.push(...rest.slice(0, room));
        rest = rest.slice(room);
        out.push([]);
      } else {
        out.push([]);
      }
    }
  }
  return out;
}
