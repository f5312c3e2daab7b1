/** Functions the off-thread tests run in the worker (a TypeScript module, as the real conversions are). */
import { isMainThread, threadId } from 'node:worker_threads';
import { SafetensorsError } from '../../../models/safetensors/read.js';

export async function whereAmI(o: { tag: string }): Promise<{ tag: string; isMainThread: boolean; threadId: number }> {
  return { tag: o.tag, isMainThread, threadId };
}

export async function ramp(o: { n: number }): Promise<{ values: Float32Array }> {
  return { values: Float32Array.from({ length: o.n }, (_, i) => i / 2) };
}

export async function failWithSafetensorsError(o: { file: string }): Promise<never> {
  throw new SafetensorsError(o.file, 'header length 0 is not a JSON header');
}

/** Waits until its signal aborts (or 20 s), then rejects. */
export async function waitForAbort(o: { signal?: AbortSignal }): Promise<string> {
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, 20_000);
    o.signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
  o.signal?.throwIfAborted();
  return 'not aborted';
}
