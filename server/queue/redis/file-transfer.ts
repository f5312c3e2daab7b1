/**
 * Files between the server and the workers through Redis, so no shared file system is needed: contents are
 * stored once by SHA-256 (`pg:blob:<sha>`, at most `maxBytes` each, with a time to live). Inputs named by a
 * prompt go server → worker (cached by hash in the worker's state folder); outputs a prompt wrote go worker →
 * server, which writes them into its own output/temp folders before the history record appears.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { DataDirs } from '../../data-dir.js';
import type { NodeUi } from '../../engine/node-definition.js';
import { checkFileName, ensureDirInside, parseAnnotatedName, subfolderPath } from '../../files/safe-path.js';
import type { ApiPrompt } from '../../protocol/api-prompt.js';
import type { FileRef } from './event-stream.js';
import type { InputRef } from './job-data.js';
import type { RedisKeys } from './keys.js';

/** Default bound on one transferred file (bytes) and its time to live in Redis (seconds). */
export const DEFAULT_MAX_TRANSFER_BYTES = 64 * 1024 * 1024;
export const BLOB_TTL_S = 7 * 24 * 3600;

export interface TransferOptions {
  readonly redis: Redis;
  readonly keys: RedisKeys;
  readonly dirs: DataDirs;
  readonly maxBytes?: number;
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Stores `bytes` under their hash (once; the TTL is refreshed on reuse). Throws past the size bound. */
export async function storeBlob(o: TransferOptions, bytes: Buffer, what: string): Promise<string> {
  const max = o.maxBytes ?? DEFAULT_MAX_TRANSFER_BYTES;
  if (bytes.length > max) throw new Error(`${what} is ${bytes.length} bytes; files through Redis are limited to ${max} bytes`);
  const sha = sha256(bytes);
  const key = o.keys.blob(sha);
  const set = await o.redis.set(key, bytes, 'EX', BLOB_TTL_S, 'NX');
  if (set === null) await o.redis.expire(key, BLOB_TTL_S);
  return sha;
}

/** The input-folder file a string input names, if it names one that exists (`x.png`, `sub/x.png [input]`). */
function inputFileOf(dirs: DataDirs, value: string): string | undefined {
  const { name, type } = parseAnnotatedName(value);
  if ((type !== undefined && type !== 'input') || name === '' || name.length > 1024) return undefined;
  try {
    checkFileName(name, { allowSeparators: true });
    const file = subfolderPath(dirs.input, name, 400);
    return existsSync(file) ? name.replace(/\\/g, '/') : undefined;
  } catch {
    return undefined;
  }
}

/** Server side: every input file the prompt's constant string inputs name, stored as blobs. */
export async function collectInputs(o: TransferOptions, prompt: ApiPrompt): Promise<InputRef[]> {
  const names = new Set<string>();
  for (const node of Object.values(prompt)) {
    for (const v of Object.values((node as { inputs?: Record<string, unknown> }).inputs ?? {})) {
      const name = typeof v === 'string' ? inputFileOf(o.dirs, v) : undefined;
      if (name) names.add(name);
    }
  }
  const refs: InputRef[] = [];
  for (const name of names) refs.push({ name, sha256: await storeBlob(o, await readFile(path.join(o.dirs.input, name)), `input "${name}"`) });
  return refs;
}

/** Worker side: puts each input in place, fetching by hash unless the local cache (`<state>/blobs`) has it. */
export async function fetchInputs(o: TransferOptions, refs: readonly InputRef[]): Promise<void> {
  const cache = path.join(o.dirs.state, 'blobs');
  await mkdir(cache, { recursive: true });
  for (const ref of refs) {
    if (!/^[0-9a-f]{64}$/.test(ref.sha256)) throw new Error(`input "${ref.name}": bad content hash`);
    const cached = path.join(cache, ref.sha256);
    if (!existsSync(cached)) {
      const bytes = await o.redis.getBuffer(o.keys.blob(ref.sha256));
      if (bytes === null || sha256(bytes) !== ref.sha256) throw new Error(`input "${ref.name}" (sha256 ${ref.sha256.slice(0, 12)}…) is no longer in Redis: upload it again`);
      await writeFile(cached, bytes);
    }
    checkFileName(ref.name, { allowSeparators: true });
    const target = subfolderPath(o.dirs.input, ref.name, 400);
    await ensureDirInside(o.dirs.input, path.dirname(target));
    const current = existsSync(target) ? sha256(await readFile(target)) : '';
    if (current !== ref.sha256) await copyFile(cached, target);
  }
}

/** The `{filename, subfolder, type}` file entries (output/temp) in a prompt's UI outputs. */
export function fileEntries(outputs: Record<string, NodeUi>): Omit<FileRef, 'sha256'>[] {
  const out: Omit<FileRef, 'sha256'>[] = [];
  for (const ui of Object.values(outputs)) {
    for (const list of Object.values(ui ?? {})) {
      if (!Array.isArray(list)) continue;
      for (const item of list) {
        const r = item as { filename?: unknown; subfolder?: unknown; type?: unknown };
        if (typeof r?.filename === 'string' && (r.type === 'output' || r.type === 'temp')) {
          out.push({ type: r.type, subfolder: typeof r.subfolder === 'string' ? r.subfolder : '', filename: r.filename });
        }
      }
    }
  }
  return out;
}

/** Worker side: stores the files a prompt wrote; a file over the bound is left out and reported. */
export async function uploadOutputs(o: TransferOptions, outputs: Record<string, NodeUi>, log: (m: string) => void): Promise<FileRef[]> {
  const refs: FileRef[] = [];
  for (const e of fileEntries(outputs)) {
    try {
      const file = path.join(subfolderPath(o.dirs[e.type], e.subfolder, 400), checkFileName(e.filename));
      refs.push({ ...e, sha256: await storeBlob(o, await readFile(file), `${e.type} "${e.filename}"`) });
    } catch (err) {
      log(`worker: output ${e.type}/${e.subfolder}/${e.filename} not sent to the server: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return refs;
}

/** Server side: writes a result's files into its own folders, then drops the blobs. */
export async function materializeOutputs(o: TransferOptions, refs: readonly FileRef[], log: (m: string) => void): Promise<void> {
  for (const ref of refs) {
    try {
      const root = o.dirs[ref.type];
      const dir = await ensureDirInside(root, subfolderPath(root, ref.subfolder, 400));
      const bytes = await o.redis.getBuffer(o.keys.blob(ref.sha256));
      if (bytes === null) throw new Error('its contents are no longer in Redis');
      await writeFile(path.join(dir, checkFileName(ref.filename)), bytes);
    } catch (err) {
      log(`output ${ref.type}/${ref.subfolder}/${ref.filename} from a worker was not stored: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const shas = [...new Set(refs.map((r) => r.sha256))];
  if (shas.length > 0) await o.redis.del(...shas.map((s) => o.keys.blob(s)));
}
