/**
 * A user's settings: one JSON object in `user/<id>/comfy.settings.json` (ComfyUI's file name, so a data folder
 * can be shared with ComfyUI). Writes are serialised per file and atomic, so concurrent `POST /settings/{id}`
 * calls do not lose each other's keys.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const SETTINGS_FILE = 'comfy.settings.json';

const queues = new Map<string, Promise<unknown>>();

/** Runs `work` after every earlier call for the same `key` has settled. */
function serialised<T>(key: string, work: () => Promise<T>): Promise<T> {
  const prev = queues.get(key) ?? Promise.resolve();
  const next = prev.then(work, work);
  const settled = next.catch(() => undefined);
  queues.set(key, settled);
  void settled.then(() => queues.get(key) === settled && queues.delete(key));
  return next;
}

/** Settings of the user whose folder is `userRoot`. */
export class SettingsStore {
  readonly file: string;

  constructor(userRoot: string) {
    this.file = path.join(userRoot, SETTINGS_FILE);
  }

  /** The stored settings; `{}` when there are none yet (or the file holds no object). */
  async all(): Promise<Record<string, unknown>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return {};
    }
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  }

  /** Merges `changes` over the stored settings. */
  merge(changes: Record<string, unknown>): Promise<void> {
    return serialised(this.file, async () => this.#save({ ...(await this.all()), ...changes }));
  }

  async #save(settings: Record<string, unknown>): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${randomUUID()}.tmp`;
    await writeFile(tmp, JSON.stringify(settings, null, 4));
    await rename(tmp, this.file);
  }
}
