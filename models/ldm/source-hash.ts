/**
 * The content hash that names a converted checkpoint in the cache. Hashing a 2 GB file takes seconds, so the
 * answer is remembered per (path, size, mtime) in `<dir>/sources.json`; a file replaced in place gets a new
 * mtime and is hashed again.
 */
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../tiny/write-file.js';

type Index = Record<string, string>;

function readIndex(file: string): Index {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Index) : {};
  } catch {
    return {}; // no index or a corrupt one: hash again
  }
}

/** sha256 of the file's bytes, streamed. */
export async function hashFile(file: string, signal?: AbortSignal): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 22, signal })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** The file's sha256, from `<indexDir>/sources.json` when its path, size and mtime are unchanged. */
export async function sourceHash(file: string, indexDir: string, signal?: AbortSignal): Promise<string> {
  const st = statSync(file);
  const id = `${path.resolve(file)}|${st.size}|${st.mtimeMs}`;
  const indexFile = path.join(indexDir, 'sources.json');
  const known = readIndex(indexFile)[id];
  if (known) return known;
  const hash = await hashFile(file, signal);
  mkdirSync(indexDir, { recursive: true });
  writeFileAtomic(indexFile, JSON.stringify({ ...readIndex(indexFile), [id]: hash }, null, 1));
  return hash;
}
