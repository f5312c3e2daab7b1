/**
 * Content-addressed files for generated ONNX graphs: the session pool opens models by path, so a graph built in
 * memory (the projectors) is written once under a name derived from its bytes and reused by every later load.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes `bytes` to `<dir>/<prefix>-<sha256 prefix>.onnx` unless that file exists, and returns its path. The write
 * goes through a temp file and a rename so a concurrent reader never sees half a model.
 */
export function writeGraphFile(dir: string, prefix: string, bytes: Uint8Array): string {
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 24);
  const file = path.join(dir, `${prefix}-${hash}.onnx`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
  return file;
}
