/**
 * The last server log lines, for ComfyUI's `/internal/logs` and the frontend's log terminal (app/logger.py keeps
 * the last 300 writes as `{t: ISO time, m: text}`). Clients that subscribed get each new entry pushed over the
 * WebSocket as a `logs` message.
 */

/** One log entry: ISO 8601 time and the text, newline-terminated as ComfyUI's captured stdout writes are. */
export interface LogEntry {
  readonly t: string;
  readonly m: string;
}

/** A bounded buffer of log entries plus the clients subscribed to new ones. */
export class LogRing {
  readonly #entries: LogEntry[] = [];
  readonly #subscribers = new Set<string>();
  #onEntry: ((entry: LogEntry, subscribers: ReadonlySet<string>) => void) | undefined;
  #pushing = false;

  constructor(readonly capacity = 300) {}

  /** Records a line; subscribers hear of it unless this line was logged while pushing (no feedback loop). */
  push(message: string): void {
    const entry: LogEntry = { t: new Date().toISOString(), m: message.endsWith('\n') ? message : `${message}\n` };
    this.#entries.push(entry);
    if (this.#entries.length > this.capacity) this.#entries.shift();
    if (this.#pushing || this.#subscribers.size === 0 || !this.#onEntry) return;
    this.#pushing = true;
    try {
      this.#onEntry(entry, this.#subscribers);
    } finally {
      this.#pushing = false;
    }
  }

  /** The buffered entries, oldest first. */
  entries(): LogEntry[] {
    return [...this.#entries];
  }

  /** ComfyUI's `/internal/logs`: every entry as `time - text`, concatenated. */
  text(): string {
    return this.#entries.map((e) => `${e.t} - ${e.m}`).join('');
  }

  subscribe(clientId: string, enabled: boolean): void {
    if (enabled) this.#subscribers.add(clientId);
    else this.#subscribers.delete(clientId);
  }

  /** Where new entries go (the WebSocket hub). */
  onEntry(push: (entry: LogEntry, subscribers: ReadonlySet<string>) => void): void {
    this.#onEntry = push;
  }
}
