/**
 * Per-element loops over big typed arrays, cut into time slices that yield a macrotask between them
 * (docs/architecture.md, "Responsiveness"). Slices are measured in time, not elements, because the same element
 * count takes 3 ms on a quiet core and 40 ms on a loaded one (first-touch page faults, CPU contention).
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/** Longest a slice may keep the event loop. */
export const SLICE_MS = 4;
/** Elements between clock reads: they start small (code not yet optimised runs 10–50× slower) and grow while a step stays short. */
const FIRST_STEP = 1 << 12;
const MAX_STEP = 1 << 16;
/** A step longer than this halves the next one. */
const STEP_MS = 1;

/**
 * Calls `body(start, end)` over `[0, length)` in steps, yielding to the event loop whenever a slice has run
 * SLICE_MS, and checking `signal` after each yield.
 */
export async function timeSliced(length: number, body: (start: number, end: number) => void, signal?: AbortSignal): Promise<void> {
  let sliceStart = performance.now();
  let step = FIRST_STEP;
  for (let start = 0; start < length; ) {
    if (performance.now() - sliceStart > SLICE_MS) {
      await yieldToEventLoop();
      signal?.throwIfAborted();
      sliceStart = performance.now();
    }
    const t = performance.now();
    const end = Math.min(length, start + step);
    body(start, end);
    start = end;
    const took = performance.now() - t;
    if (took > STEP_MS) step = Math.max(1024, step >> 1);
    else if (took < STEP_MS / 4 && step < MAX_STEP) step <<= 1;
  }
}
