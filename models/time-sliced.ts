/**
 * Per-element loops over big typed arrays, cut into time slices that yield a macrotask between them
 * (docs/architecture.md, "Responsiveness"). Slices are measured in time, not elements, because the same element
 * count takes 3 ms on a quiet core and 40 ms on a loaded one (first-touch page faults, CPU contention).
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/** Longest a slice may keep the event loop. */
export const SLICE_MS = 4;
/** Elements between clock reads: small enough to stop close to SLICE_MS. */
const STEP = 1 << 16;

/**
 * Calls `body(start, end)` over `[0, length)` in steps, yielding to the event loop whenever a slice has run
 * SLICE_MS, and checking `signal` after each yield.
 */
export async function timeSliced(length: number, body: (start: number, end: number) => void, signal?: AbortSignal): Promise<void> {
  let sliceStart = performance.now();
  for (let start = 0; start < length; start += STEP) {
    if (performance.now() - sliceStart > SLICE_MS) {
      await yieldToEventLoop();
      signal?.throwIfAborted();
      sliceStart = performance.now();
    }
    body(start, Math.min(length, start + STEP));
  }
}
