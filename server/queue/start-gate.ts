/**
 * Holds a queued prompt back until the reply to its `POST /prompt` has been flushed (docs/comfyui-protocol.md,
 * "WebSocket"). Clients start listening for a prompt's events when they have its id, i.e. after the reply; a
 * fully cached prompt finishes in a millisecond, so without the hold its `execution_start … executing {node:
 * null}` could reach the socket before the reply did. A hold that is never released expires, so a lost reply
 * cannot stall the queue.
 */

/** Longest a prompt waits for its reply to be flushed, ms. */
export const START_GATE_TIMEOUT_MS = 5000;

/**
 * Time between the reply leaving the server and the prompt starting, ms. The bytes being flushed is not enough:
 * a client parses the reply a few event-loop turns after reading it, and would read the events of a fully cached
 * prompt in the same turn, before it knows the prompt id.
 */
export const START_GATE_GRACE_MS = 10;

export class StartGate {
  readonly #held = new Map<string, { done: Promise<void>; release: () => void }>();

  constructor(
    readonly timeoutMs = START_GATE_TIMEOUT_MS,
    readonly graceMs = START_GATE_GRACE_MS,
  ) {}

  /** Holds `promptId` back; returns the release function (idempotent; the prompt starts `graceMs` later). */
  hold(promptId: string): () => void {
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      let released = false;
      release = () => {
        if (released) return;
        released = true;
        setTimeout(() => {
          if (this.#held.get(promptId)?.done === done) this.#held.delete(promptId);
          resolve();
        }, this.graceMs);
      };
    });
    this.#held.set(promptId, { done, release });
    return release;
  }

  /** Resolves once `promptId` is released (at once when it is not held), or after the timeout, or on `signal`. */
  async wait(promptId: string, signal?: AbortSignal): Promise<void> {
    const held = this.#held.get(promptId);
    if (!held) return;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    await Promise.race([
      held.done,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.timeoutMs);
        onAbort = () => resolve();
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    this.#held.delete(promptId);
  }
}
