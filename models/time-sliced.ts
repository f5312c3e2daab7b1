/**
 * Yielding to the event loop from long work on the main thread (docs/architecture.md, "Responsiveness"), in one
 * place: per-element loops over big typed arrays (`timeSliced`) and passes over a whole big prompt or graph
 * (`Slicer`: the piecewise JSON parse and stringify, validation, cache keys, the executor's loop). Slices are
 * measured in time, not elements, because the same element count takes 3 ms on a quiet core and 40 ms on a loaded
 * one (first-touch page faults, CPU contention).
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/** Longest a per-element loop keeps the event loop between yields. */
export const SLICE_MS = 4;
/**
 * Main-thread milliseconds between yields of a pass (`Slicer`'s default): a pass step does more per call than an
 * element loop, so its clock reads are sparser.
 */
export const PASS_SLICE_MS = 8;
/** Elements between clock reads: they start small (code not yet optimised runs 10–50× slower) and grow while a step stays short. */
const FIRST_STEP = 1 << 12;
const MAX_STEP = 1 << 16;
/** A step longer than this halves the next one. */
const STEP_MS = 1;

/** Yields one macrotask once `sliceMs` have passed since the last yield; call it between the steps of a pass. */
export class Slicer {
  #since = performance.now();

  constructor(readonly sliceMs = PASS_SLICE_MS) {}

  /**
   * Whether the slice has run out. A loop over 100,000 nodes checks this before awaiting `maybeYield`: awaiting
   * even a settled promise costs a microtask turn per node.
   */
  get due(): boolean {
    return performance.now() - this.#since >= this.sliceMs;
  }

  /** Resolves at once, or after one macrotask when the slice has run out; true when it yielded. */
  async maybeYield(): Promise<boolean> {
    if (!this.due) return false;
    await yieldToEventLoop();
    this.#since = performance.now();
    return true;
  }
}

/**
 * Calls `body(start, end)` over `[0, length)` in steps, yielding to the event loop whenever a slice has run
 * SLICE_MS, and checking `signal` after each yield.
 */
export async function timeSliced(length: number, body: (start: number, end: number) => void, signal?: AbortSignal): Promise<void> {
  const slicer = new Slicer(SLICE_MS);
  let step = FIRST_STEP;
  for (let start = 0; start < length; ) {
    if (await slicer.maybeYield()) signal?.throwIfAborted();
    const t = performance.now();
    const end = Math.min(length, start + step);
    body(start, end);
    start = end;
    const took = performance.now() - t;
    if (took > STEP_MS) step = Math.max(1024, step >> 1);
    else if (took < STEP_MS / 4 && step < MAX_STEP) step <<= 1;
  }
}
