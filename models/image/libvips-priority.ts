/**
 * Keeps sharp's libvips worker threads below the event loop's priority (models/compute-priority.mjs,
 * docs/architecture.md "Responsiveness"). libvips starts its threads on demand, so they are lowered once after a
 * tiny warm-up pipeline and then rechecked every second.
 */
import sharp from 'sharp';
import { lowerLibvipsThreads } from '../compute-priority.mjs';

const RECHECK_MS = 1000;

/** Starts watching; returns the function that stops it. */
export function watchLibvipsThreads(): () => void {
  void sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 0, g: 0, b: 0 } } })
    .resize(96, 96)
    .raw()
    .toBuffer()
    .then(lowerLibvipsThreads, () => undefined);
  const timer = setInterval(lowerLibvipsThreads, RECHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}
