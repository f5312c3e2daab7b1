/** Server → workers commands on the `pg:control` pub/sub channel: every worker hears every message. */

export type ControlMessage =
  /** Interrupt `promptId` wherever it runs, or (without it) every running prompt (ComfyUI's global interrupt). */
  | { readonly op: 'interrupt'; readonly promptId?: string }
  /** ComfyUI's `/free` (see `FreeRequest`), done by every worker after its running prompt. */
  | { readonly op: 'free'; readonly freeMemory: boolean; readonly unloadModels: boolean };

export function parseControl(text: string): ControlMessage | null {
  try {
    const m = JSON.parse(text) as { op?: unknown; promptId?: unknown; freeMemory?: unknown; unloadModels?: unknown };
    // A server from before `freeMemory` was sent meant it always.
    if (m.op === 'free') return { op: 'free', freeMemory: m.freeMemory !== false, unloadModels: m.unloadModels === true };
    if (m.op === 'interrupt') return typeof m.promptId === 'string' ? { op: 'interrupt', promptId: m.promptId } : { op: 'interrupt' };
  } catch {
    // not ours
  }
  return null;
}

/** The fixed text whose HMAC under the server token is published in `pg:auth-check`. */
export const AUTH_CHECK_TEXT = 'perceptgraph worker token check v1';
