/**
 * Yields to the event loop once a few milliseconds have passed, for passes over a whole big prompt (the piecewise
 * JSON parse and stringify, validation, cache keys): on a 200k-node (50 MB) prompt each took seconds in one block
 * (issue 19; docs/reliability.md, "JSON").
 */
import { setImmediate as nextMacrotask } from 'node:timers/promises';

/** Main-thread milliseconds between yields. */
export const SLICE_MS = 8;

export class Slicer {
  #since = performance.now();

  /** Resolves at once, or after one macrotask when `SLICE_MS` have passed since the last yield. */
  async maybeYield(): Promise<void> {
    if (performance.now() - this.#since < SLICE_MS) return;
    await nextMacrotask();
    this.#since = performance.now();
  }
}
