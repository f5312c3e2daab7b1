/**
 * Identities for the embedding cache: a data hash (the I&2T file's bytes plus each image's path, size and mtime)
 * and a model key (the CLIP files' sizes plus a hash of their first and last MiB and of the preprocessing config).
 * Images and model files are fingerprinted, not hashed whole, so a cache hit on 100k images or a 2.5 GB ViT-H
 * costs a few stat calls instead of reading gigabytes; an edited file changes its size or mtime.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ClipManifest } from '../../store/manifests.js';

const EDGE_BYTES = 1 << 20;

/** sha256 hex of the given parts (JSON-encoded). */
export function hashOf(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** Size, mtime and a hash of the first and last MiB of a file. */
export function fileFingerprint(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const { size, mtimeMs } = fstatSync(fd);
    const h = createHash('sha256');
    const buf = Buffer.alloc(Math.min(EDGE_BYTES, size));
    h.update(buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)));
    if (size > EDGE_BYTES) h.update(buf.subarray(0, readSync(fd, buf, 0, buf.length, size - buf.length)));
    return `${size}:${Math.round(mtimeMs)}:${h.digest('hex').slice(0, 32)}`;
  } finally {
    closeSync(fd);
  }
}

/** Hash of the data file's bytes plus every listed image's path, size and mtime. */
export function dataHash(dataFile: string, imagePaths: readonly string[]): string {
  const h = createHash('sha256').update(readFileSync(dataFile));
  for (const p of imagePaths) {
    try {
      const s = statSync(p);
      h.update(`\n${p}\0${s.size}\0${Math.round(s.mtimeMs)}`);
    } catch {
      h.update(`\n${p}\0missing`);
    }
  }
  return h.digest('hex');
}

/** Identity of a CLIP's encoders (ONNX files, or the `.safetensors` and its config.json) and preprocessing. */
export function clipModelKey(m: ClipManifest): string {
  const files = [m.safetensors?.file, m.safetensors?.config, m.vision?.model, m.text?.model, m.full?.model].filter((f): f is string => !!f);
  const pre = m.preprocessorConfig ? readFileSync(m.preprocessorConfig, 'utf8') : 'defaults';
  return `${m.name}:${hashOf(files.map((f) => [path.basename(f), fileFingerprint(f)]), pre).slice(0, 24)}`;
}
