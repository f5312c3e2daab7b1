/**
 * Content-addressed files for generated ONNX graphs: the session pool opens models by path, so a graph built in
 * memory (the DeCLIP projectors, the training graphs, the IP-Adapter image projection) is written once under a
 * name derived from a hash and reused by every later load.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Options of {@link ensureGraphFile}. */
export interface GraphFileOptions {
  /** Folder of the file; created when missing. */
  readonly dir: string;
  /** File name prefix: the file is `<dir>/<prefix>-<24 hex digits of sha256(key)>.onnx`. */
  readonly prefix: string;
  /**
   * What the name hashes: the graph bytes themselves, or an identity that fixes them (e.g. a weights file's
   * path/size/mtime plus a graph version), so an existing file is found without building the graph.
   */
  readonly key: string | Uint8Array;
  /** Serialised model bytes; called only when the file does not exist yet. */
  readonly build: () => Uint8Array;
}

/**
 * The path of the graph file named by `key`, built and written when absent. The write goes through a temp file
 * and a rename, so a concurrent reader (or a parallel run writing the same file) never sees half a model.
 */
export function ensureGraphFile(o: GraphFileOptions): string {
  const hash = createHash('sha256').update(o.key).digest('hex').slice(0, 24);
  const file = path.join(o.dir, `${o.prefix}-${hash}.onnx`);
  if (existsSync(file)) return file;
  mkdirSync(o.dir, { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, o.build());
  renameSync(tmp, file);
  return file;
}

/** Writes `bytes` to `<dir>/<prefix>-<sha256 prefix of bytes>.onnx` unless that file exists; returns its path. */
export function writeGraphFile(dir: string, prefix: string, bytes: Uint8Array): string {
  return ensureGraphFile({ dir, prefix, key: bytes, build: () => bytes });
}
