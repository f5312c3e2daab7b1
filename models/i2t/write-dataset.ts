/** Writing I&2T files (CSV, TSV or JSONL) so that image paths stay valid from the new file's folder. */

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatCsv } from '../csv.js';
import { detectI2tFormat, type I2tFormat } from './dataset.js';

/** What is written per row: the image path plus the two texts. */
export interface I2tWritableRow {
  /** Absolute path of the image; written relative to the output file's folder (with '/' separators). */
  readonly imagePath: string;
  readonly perceptual: string;
  readonly semantic: string;
}

/**
 * Writes rows to `file` in `format` (default: from the extension, '.jsonl' → JSONL, else CSV), creating the
 * folder. CSV has the header `image,perceptual,semantic`.
 */
export function writeI2tDataset(file: string, rows: readonly I2tWritableRow[], format?: I2tFormat): void {
  const fmt = format ?? detectI2tFormat(file, '');
  const dir = path.dirname(path.resolve(file));
  const rel = (p: string) => path.relative(dir, p).split(path.sep).join('/');
  let text: string;
  if (fmt === 'jsonl') {
    const line = (r: I2tWritableRow) => JSON.stringify({ image: rel(r.imagePath), perceptual: r.perceptual, semantic: r.semantic });
    text = rows.map((r) => line(r) + '\n').join('');
  } else {
    const table = [['image', 'perceptual', 'semantic'], ...rows.map((r) => [rel(r.imagePath), r.perceptual, r.semantic])];
    text = formatCsv(table, fmt === 'tsv' ? '\t' : ',');
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, text);
}
