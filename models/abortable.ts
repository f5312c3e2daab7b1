/**
 * Native work (an ONNX Runtime run, a libvips pipeline) cannot be cancelled once started. An interrupt must still
 * end the prompt at once (docs/architecture.md, "Interrupts"), so the caller stops waiting and the work finishes in
 * the background, its result dropped.
 */

/** Rejects with the signal's reason as soon as it aborts, without waiting for `promise`. */
export function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
