/**
 * What `iqa eval` checks before encoding anything, so that a wrong path or a broken label file fails with a
 * message and exit 1 instead of all-NaN metrics and exit 0 (issue 19).
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { readIqaLabels, type ReadLabelsOptions } from '../../models/iqa/labels.js';

/**
 * Throws an Error (exit 1) when `imageDir` is not a folder, the label file cannot be parsed to the end (an
 * unterminated quote would silently swallow every later row; the bad row is named), or it has no usable row.
 */
export function checkEvalInputs(imageDir: string, labelsFile: string, options: Omit<ReadLabelsOptions, 'imageDir'>): void {
  let isDir = false;
  try {
    isDir = statSync(imageDir).isDirectory();
  } catch {
    throw new Error(`--images ${imageDir}: no such folder`);
  }
  if (!isDir) throw new Error(`--images ${imageDir}: not a folder`);
  const labels = readIqaLabels(labelsFile, { ...options, imageDir });
  const name = path.basename(labelsFile);
  const broken = labels.problems.filter((p) => p.code === 'parse_error');
  if (broken.length > 0) {
    throw new Error(`${broken.map((p) => `${name} line ${p.row}: ${p.message}`).join('; ')}; the rows after it could not be read, fix the file first`);
  }
  if (labels.rows.length === 0) {
    const why = labels.problems.slice(0, 3).map((p) => `line ${p.row}: ${p.message}`).join('; ');
    throw new Error(`${name} has no usable rows (${labels.records} record${labels.records === 1 ? '' : 's'}${why ? `; ${why}` : ''})`);
  }
}
