/** File writing for the tiny-model builders. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes `data` to `file` through a temp file and a rename, creating folders, so a reader (or a second setup
 * running at the same time) never sees a half-written model. Returns `file`.
 */
export function writeFileAtomic(file: string, data: Uint8Array | string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
  return file;
}
