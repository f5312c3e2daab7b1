/**
 * File handling shared by the training nodes (TrainDeCLIP, TrainPrompt): the output file name they write into a
 * models folder, and the fingerprint that re-runs them when their input file changes.
 */
import { statSync } from 'node:fs';
import { resolveInside } from '../models/image/image-files.js';

/**
 * `output_name` as a `.safetensors` file name.
 * @throws Error when it is empty, names a folder or starts with a dot
 */
export function outputFileName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || /[\\/]/.test(trimmed) || trimmed.startsWith('.')) {
    throw new Error(`output_name must be a plain file name (no folders), got ${JSON.stringify(name)}`);
  }
  return trimmed.endsWith('.safetensors') ? trimmed : `${trimmed}.safetensors`;
}

/** Size and mtime of an input file (relative to `inputDir`), so a node re-runs when it changes; 'missing' if absent. */
export function inputFileFingerprint(inputDir: string, relative: unknown): string {
  try {
    const s = statSync(resolveInside(inputDir, String(relative)));
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}
