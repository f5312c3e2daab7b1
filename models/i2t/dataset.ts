/**
 * Reading I&2T data (DeCLIP's image + perceptual text + semantic text triples) from CSV or JSONL. Images are
 * resolved relative to the data file. Bad rows — missing or undecodable image, empty text, malformed record —
 * are reported with their 1-based line number, counted and skipped; they never abort the read.
 */

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { parseCsv, type CsvRecord } from '../csv.js';

/** One usable I&2T triple. */
export interface I2tRow {
  /** 1-based line of the record in the data file. */
  readonly row: number;
  /** The image reference as written in the file. */
  readonly image: string;
  /** Absolute image path (resolved against the data file's folder). */
  readonly imagePath: string;
  /** T_p: the perceptual description (trimmed, non-empty). */
  readonly perceptual: string;
  /** T_s: the semantic description (trimmed, non-empty). */
  readonly semantic: string;
}

/** Why a row was skipped. */
export type I2tProblemCode = 'missing_image' | 'undecodable_image' | 'empty_text' | 'missing_field' | 'bad_json' | 'parse_error';

/** A skipped row, with its 1-based line number and a message naming the value at fault. */
export interface I2tProblem {
  readonly row: number;
  readonly code: I2tProblemCode;
  readonly message: string;
}

/** Layout of an I&2T file: chosen by extension (.csv / .tsv / .jsonl / .ndjson), else sniffed. */
export type I2tFormat = 'csv' | 'tsv' | 'jsonl';

/** How far image checks go: decode the header with sharp (default), only check existence, or skip. */
export type ImageCheck = 'decode' | 'exists' | 'none';

/** Options of {@link readI2tDataset}. */
export interface ReadI2tOptions {
  readonly checkImages?: ImageCheck;
  /** Parallel sharp metadata reads (default 8). */
  readonly concurrency?: number;
}

/** Result of {@link readI2tDataset}: every data record is either in `rows` or in `problems`. */
export interface I2tReadResult {
  readonly file: string;
  readonly format: I2tFormat;
  readonly rows: readonly I2tRow[];
  readonly problems: readonly I2tProblem[];
  /** Data records seen (a CSV header is not counted). */
  readonly records: number;
}

const FIELDS = ['image', 'perceptual', 'semantic'] as const;

/** Picks the layout from the extension, or from the first character ('{' → JSONL). */
export function detectI2tFormat(file: string, text: string): I2tFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.tsv') return 'tsv';
  if (ext === '.csv') return 'csv';
  return text.trimStart().startsWith('{') ? 'jsonl' : 'csv';
}

/**
 * Reads an I&2T CSV/TSV (header with image, perceptual, semantic; other columns ignored) or JSONL (one object
 * per line with those string fields).
 * @throws Error naming the file when it cannot be read or a CSV header lacks a required column.
 */
export async function readI2tDataset(file: string, options: ReadI2tOptions = {}): Promise<I2tReadResult> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read I&2T file ${file}: ${(err as Error).message}`);
  }
  const format = detectI2tFormat(file, text);
  const parsed = format === 'jsonl' ? parseJsonl(text) : parseTable(text, format, file);
  const baseDir = path.dirname(path.resolve(file));
  const problems: I2tProblem[] = [...parsed.problems];
  const candidates: I2tRow[] = [];
  for (const raw of parsed.rows) {
    const checked = checkTexts(raw, baseDir);
    if ('code' in checked) problems.push(checked);
    else candidates.push(checked);
  }
  const imageProblems = await checkImages(candidates, options.checkImages ?? 'decode', options.concurrency ?? 8);
  const bad = new Set(imageProblems.map((p) => p.row));
  problems.push(...imageProblems);
  problems.sort((a, b) => a.row - b.row);
  return { file, format, rows: candidates.filter((r) => !bad.has(r.row)), problems, records: parsed.records };
}

interface RawRow {
  readonly row: number;
  readonly values: Partial<Record<(typeof FIELDS)[number], unknown>>;
}

interface Parsed {
  readonly rows: RawRow[];
  readonly problems: I2tProblem[];
  readonly records: number;
}

function parseJsonl(text: string): Parsed {
  const rows: RawRow[] = [];
  const problems: I2tProblem[] = [];
  let records = 0;
  text.split(/\r\n|\r|\n/).forEach((line, i) => {
    if (!line.trim()) return;
    records++;
    const row = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      problems.push({ row, code: 'bad_json', message: `row ${row}: invalid JSON (${(err as Error).message})` });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push({ row, code: 'bad_json', message: `row ${row}: expected a JSON object, got ${JSON.stringify(value)}` });
      return;
    }
    rows.push({ row, values: value as RawRow['values'] });
  });
  return { rows, problems, records };
}

function parseTable(text: string, format: 'csv' | 'tsv', file: string): Parsed {
  const { records, problems } = parseCsv(text, { delimiter: format === 'tsv' ? '\t' : ',' });
  const header = (records[0]?.fields ?? []).map((h) => h.trim().toLowerCase());
  const idx = FIELDS.map((f) => header.indexOf(f));
  const missing = FIELDS.filter((_, k) => idx[k]! < 0);
  if (missing.length > 0) {
    throw new Error(`I&2T file ${file}: header [${header.join(', ')}] lacks column(s) ${missing.join(', ')}`);
  }
  const toRow = (r: CsvRecord): RawRow => ({
    row: r.line,
    values: Object.fromEntries(FIELDS.map((f, k) => [f, r.fields[idx[k]!]])),
  });
  return {
    rows: records.slice(1).map(toRow),
    problems: problems.map((p) => ({ row: p.line, code: 'parse_error', message: `row ${p.line}: ${p.message}` })),
    records: Math.max(0, records.length - 1),
  };
}

function checkTexts(raw: RawRow, baseDir: string): I2tRow | I2tProblem {
  const { row, values } = raw;
  const absent = FIELDS.filter((f) => typeof values[f] !== 'string');
  if (absent.length > 0) {
    return { row, code: 'missing_field', message: `row ${row}: missing or non-string field(s) ${absent.join(', ')}` };
  }
  const [image, perceptual, semantic] = FIELDS.map((f) => (values[f] as string).trim()) as [string, string, string];
  const empty = FIELDS.filter((_, k) => [image, perceptual, semantic][k] === '');
  if (empty.length > 0) {
    const code = empty.includes('image') && empty.length === 1 ? 'missing_image' : 'empty_text';
    return { row, code, message: `row ${row}: empty ${empty.join(', ')}` };
  }
  return { row, image, imagePath: path.resolve(baseDir, image), perceptual, semantic };
}

async function checkImages(rows: readonly I2tRow[], mode: ImageCheck, concurrency: number): Promise<I2tProblem[]> {
  if (mode === 'none') return [];
  const problems: I2tProblem[] = [];
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const r = rows[next++]!;
      if (!existsSync(r.imagePath)) {
        problems.push({ row: r.row, code: 'missing_image', message: `row ${r.row}: image ${r.imagePath} does not exist` });
      } else if (mode === 'decode') {
        const fault = await imageDecodeFault(r.imagePath);
        if (fault) problems.push({ row: r.row, code: 'undecodable_image', message: `row ${r.row}: ${r.imagePath}: ${fault}` });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return problems;
}

/**
 * Reads the image header with sharp and returns why the file is unusable, or null when it looks decodable.
 * Cheap (no pixel decode), so a truncated file with a valid header still passes; the full decode happens later.
 */
export async function imageDecodeFault(file: string): Promise<string | null> {
  try {
    const meta = await sharp(file).metadata();
    if (!meta.width || !meta.height) return `no image size in header (format ${meta.format ?? 'unknown'})`;
    return null;
  } catch (err) {
    return `cannot be decoded (${(err as Error).message})`;
  }
}
