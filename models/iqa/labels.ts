/**
 * IQA label files: reads (image name, MOS) rows for `perceptgraph iqa eval` from the layouts of the common
 * datasets (docs/declip-iqa.md, "Metrics") or any CSV with configurable columns. Bad rows never
 * abort the read: each becomes a problem with its 1-based line number, and is left out of `rows`. Formats that
 * ship as .mat or .xlsx (LIVEC, SPAQ) are read from their CSV export with the column names given here.
 */

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCsv, type CsvRecord } from '../csv.js';
import { imageDecodeFault } from '../i2t/dataset.js';


/** A column by header name (matched case-insensitively, trimmed) or by 0-based index for header-less files. */
export type ColumnRef = string | number;

/** How a label file is laid out. */
export interface LabelFormat {
  readonly id: string;
  readonly description: string;
  /** ',' ';' '\t', or 'whitespace' for runs of spaces/tabs without quoting (TID2013). */
  readonly delimiter: ',' | ';' | '\t' | 'whitespace';
  /** Whether the first record is a header. Header-less formats must use index columns. */
  readonly header: boolean;
  readonly image: ColumnRef;
  readonly mos: ColumnRef;
  /** True for DMOS-style labels where a lower score means better quality (CSIQ, LIVE). */
  readonly lowerIsBetter: boolean;
}

function format<const F extends LabelFormat>(f: F): F {
  return f;
}

/** The known layouts, by id. */
export const LABEL_FORMATS = {
  csv: format({
    id: 'csv', description: 'generic CSV with a header: image,mos (override the columns as needed)',
    delimiter: ',', header: true, image: 'image', mos: 'mos', lowerIsBetter: false,
  }),
  koniq10k: format({
    id: 'koniq10k',
    description: 'KonIQ-10k koniq10k_distributions_sets.csv (MOS 0–100) or _scores_and_distributions.csv (MOS 1–5)',
    delimiter: ',', header: true, image: 'image_name', mos: 'MOS', lowerIsBetter: false,
  }),
  spaq: format({
    id: 'spaq', description: 'SPAQ "MOS and Image attribute scores" exported to CSV (Image name, MOS 0–100)',
    delimiter: ',', header: true, image: 'Image name', mos: 'MOS', lowerIsBetter: false,
  }),
  livec: format({
    id: 'livec', description: 'LIVE In the Wild exported to CSV, pyiqa meta-info layout (img_name, mos 0–100)',
    delimiter: ',', header: true, image: 'img_name', mos: 'mos', lowerIsBetter: false,
  }),
  agiqa3k: format({
    id: 'agiqa3k', description: 'AGIQA-3K data.csv (name, mos_quality)',
    delimiter: ',', header: true, image: 'name', mos: 'mos_quality', lowerIsBetter: false,
  }),
  kadid10k: format({
    id: 'kadid10k', description: 'KADID-10k dmos.csv (dist_img, dmos 1–5 — named DMOS but higher is better)',
    delimiter: ',', header: true, image: 'dist_img', mos: 'dmos', lowerIsBetter: false,
  }),
  csiq: format({
    id: 'csiq', description: 'CSIQ in pyiqa meta-info layout (dist_name, dmos 0–1, lower is better)',
    delimiter: ',', header: true, image: 'dist_name', mos: 'dmos', lowerIsBetter: true,
  }),
  tid2013: format({
    id: 'tid2013', description: 'TID2013 mos_with_names.txt: "MOS filename" per line, no header',
    delimiter: 'whitespace', header: false, image: 1, mos: 0, lowerIsBetter: false,
  }),
  'iqa-dataset': format({
    id: 'iqa-dataset', description: 'icbcbicc/IQA-Dataset csv/*.txt (dis_img_path, ..., score)',
    delimiter: ',', header: true, image: 'dis_img_path', mos: 'score', lowerIsBetter: false,
  }),
  liqe: format({
    id: 'liqe', description: 'LIQE IQA_Database *_all.txt: tab-separated path, score, std; no header',
    delimiter: '\t', header: false, image: 0, mos: 1, lowerIsBetter: false,
  }),
} as const satisfies Record<string, LabelFormat>;

/** Id of a known layout. */
export type LabelFormatId = keyof typeof LABEL_FORMATS;

/** Header names tried, in order, when the generic 'csv' format's default columns are absent. */
export const IMAGE_COLUMN_ALIASES = [
  'image', 'image_name', 'img_name', 'image name', 'name', 'filename', 'file', 'path', 'dist_img', 'dist_name',
  'dis_img_path',
] as const;

/** Score header names tried, in order, for the generic 'csv' format. */
export const MOS_COLUMN_ALIASES = ['mos', 'score', 'dmos', 'mos_quality', 'rating', 'quality'] as const;

/** Options of {@link readIqaLabels} / {@link parseIqaLabels}. */
export interface ReadLabelsOptions {
  /** A {@link LABEL_FORMATS} id, or 'auto' (default): pick the first format whose columns the header has. */
  readonly format?: LabelFormatId | 'auto';
  /** Overrides the format's image column. */
  readonly imageColumn?: ColumnRef;
  /** Overrides the format's score column. */
  readonly mosColumn?: ColumnRef;
  /** When set, each image must exist at `imageDir/<name>` (and stay inside it), else a 'missing_file' problem. */
  readonly imageDir?: string;
}

/** One usable label. */
export interface LabelRow {
  /** 1-based line of the record in the label file. */
  readonly row: number;
  /** The image name as written in the file (may include sub-folders). */
  readonly image: string;
  /** Absolute path under `imageDir`, when one was given. */
  readonly imagePath?: string;
  readonly mos: number;
}

/** Why a row was left out. */
export type LabelProblemCode =
  | 'missing_file'
  | 'outside_image_dir'
  | 'non_numeric_mos'
  | 'duplicate_name'
  | 'empty_name'
  | 'missing_field'
  | 'undecodable_image'
  | 'parse_error';

/** A row that was left out, with its 1-based line number and a message naming the value at fault. */
export interface LabelProblem {
  readonly row: number;
  readonly code: LabelProblemCode;
  readonly image?: string;
  readonly message: string;
}

/** Result of reading a label file. `records` = rows + rows left out (every data record is accounted for). */
export interface LabelReadResult {
  readonly format: LabelFormat;
  readonly rows: readonly LabelRow[];
  readonly problems: readonly LabelProblem[];
  /** Data records seen (header excluded). */
  readonly records: number;
}

/**
 * Reads a label file from disk. See {@link parseIqaLabels}.
 * @throws Error naming the file when it cannot be read, or the columns when the header lacks them.
 */
export function readIqaLabels(file: string, options: ReadLabelsOptions = {}): LabelReadResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read label file ${file}: ${(err as Error).message}`);
  }
  try {
    return parseIqaLabels(text, options);
  } catch (err) {
    throw new Error(`label file ${file}: ${(err as Error).message}`);
  }
}

/**
 * Parses label-file text into rows and problems. Row-level faults (missing image, non-numeric MOS, duplicate or
 * empty name, short row) are reported, never thrown; the first occurrence of a duplicated name is kept.
 * @throws Error only for file-level faults: unknown format, or a header without the requested columns.
 */
export function parseIqaLabels(text: string, options: ReadLabelsOptions = {}): LabelReadResult {
  const parsed = splitRecords(text, options.format);
  const base = resolveFormat(parsed.records, options);
  const dataRecords = base.header ? parsed.records.slice(1) : parsed.records;
  const headerFields = base.header ? (parsed.records[0]?.fields ?? []) : [];
  const imageIdx = columnIndex(base.image, headerFields, 'image');
  const mosIdx = columnIndex(base.mos, headerFields, 'MOS');
  const problems: LabelProblem[] = parsed.problems.map((p) => ({ row: p.line, code: 'parse_error', message: p.message }));
  const rows: LabelRow[] = [];
  const firstSeen = new Map<string, number>();
  for (const record of dataRecords) {
    const result = checkRecord(record, { imageIdx, mosIdx, firstSeen, imageDir: options.imageDir });
    if ('code' in result) problems.push(result);
    else {
      rows.push(result);
      firstSeen.set(result.image, result.row);
    }
  }
  problems.sort((a, b) => a.row - b.row);
  return { format: base, rows, problems, records: dataRecords.length };
}

/**
 * Moves rows whose image sharp cannot read (header check, no full decode) from `rows` to `problems` as
 * 'undecodable_image', keeping row numbers. Rows without `imagePath` (no imageDir given) are left as they are.
 */
export async function verifyLabelImages(result: LabelReadResult, options: { concurrency?: number } = {}): Promise<LabelReadResult> {
  const faults = new Map<number, string>();
  let next = 0;
  const worker = async () => {
    while (next < result.rows.length) {
      const r = result.rows[next++]!;
      const fault = r.imagePath ? await imageDecodeFault(r.imagePath) : null;
      if (fault) faults.set(r.row, fault);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  const bad: LabelProblem[] = result.rows
    .filter((r) => faults.has(r.row))
    .map((r) => ({
      row: r.row,
      code: 'undecodable_image',
      image: r.image,
      message: `row ${r.row}: ${r.imagePath}: ${faults.get(r.row)}`,
    }));
  return {
    ...result,
    rows: result.rows.filter((r) => !faults.has(r.row)),
    problems: [...result.problems, ...bad].sort((a, b) => a.row - b.row),
  };
}

interface RecordContext {
  readonly imageIdx: number;
  readonly mosIdx: number;
  readonly firstSeen: ReadonlyMap<string, number>;
  readonly imageDir: string | undefined;
}

function checkRecord(record: CsvRecord, ctx: RecordContext): LabelRow | LabelProblem {
  const row = record.line;
  const need = Math.max(ctx.imageIdx, ctx.mosIdx) + 1;
  if (record.fields.length < need) {
    return { row, code: 'missing_field', message: `row ${row}: ${record.fields.length} field(s), expected at least ${need}` };
  }
  const image = record.fields[ctx.imageIdx]!.trim();
  if (!image) return { row, code: 'empty_name', message: `row ${row}: empty image name` };
  const rawMos = record.fields[ctx.mosIdx]!.trim();
  const mos = rawMos === '' ? NaN : Number(rawMos);
  if (!Number.isFinite(mos)) {
    return { row, code: 'non_numeric_mos', image, message: `row ${row}: MOS '${rawMos}' for ${image} is not a number` };
  }
  const first = ctx.firstSeen.get(image);
  if (first !== undefined) {
    return { row, code: 'duplicate_name', image, message: `row ${row}: ${image} already labelled on row ${first}` };
  }
  if (ctx.imageDir === undefined) return { row, image, mos };
  const root = path.resolve(ctx.imageDir);
  const imagePath = path.resolve(root, image);
  const rel = path.relative(root, imagePath);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    return { row, code: 'outside_image_dir', image, message: `row ${row}: ${image} points outside ${root}` };
  }
  if (!existsSync(imagePath)) {
    return { row, code: 'missing_file', image, message: `row ${row}: image ${imagePath} does not exist` };
  }
  return { row, image, imagePath, mos };
}

function splitRecords(text: string, formatId: string | undefined) {
  const known = formatId && formatId !== 'auto' ? LABEL_FORMATS[formatId as LabelFormatId] : undefined;
  if (formatId && formatId !== 'auto' && !known) {
    throw new Error(`unknown label format '${formatId}'; expected auto or ${Object.keys(LABEL_FORMATS).join(', ')}`);
  }
  const delimiter = known?.delimiter ?? sniffDelimiter(text);
  if (delimiter === 'whitespace') return splitWhitespace(text);
  return parseCsv(text, { delimiter });
}

/** Whitespace-separated lines (no quoting): TID2013 style. '#' starts a comment line. */
function splitWhitespace(text: string) {
  const records: CsvRecord[] = [];
  text.split(/\r\n|\r|\n/).forEach((line, i) => {
    const t = line.trim();
    if (t && !t.startsWith('#')) records.push({ line: i + 1, fields: t.split(/\s+/) });
  });
  return { records, problems: [] };
}

function sniffDelimiter(text: string): LabelFormat['delimiter'] {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  if (first.includes(',')) return ',';
  if (first.includes('\t')) return '\t';
  if (first.includes(';')) return ';';
  return /^\s*[-+.\d]+(?:e[-+]?\d+)?\s+\S+\s*$/i.test(first) ? 'whitespace' : ',';
}

/** Applies the chosen (or detected) format and the column overrides. */
function resolveFormat(records: readonly CsvRecord[], options: ReadLabelsOptions): LabelFormat {
  const header = (records[0]?.fields ?? []).map(normaliseName);
  let chosen: LabelFormat;
  if (options.format && options.format !== 'auto') chosen = LABEL_FORMATS[options.format];
  else chosen = detectFormat(header);
  const overrides = { image: options.imageColumn ?? chosen.image, mos: options.mosColumn ?? chosen.mos };
  return { ...chosen, ...overrides };
}

function detectFormat(header: readonly string[]): LabelFormat {
  const hasNamed = (f: LabelFormat) =>
    f.header && typeof f.image === 'string' && header.includes(normaliseName(f.image)) &&
    typeof f.mos === 'string' && header.includes(normaliseName(f.mos));
  const named = Object.values(LABEL_FORMATS).find(hasNamed);
  if (named) return named;
  const image = IMAGE_COLUMN_ALIASES.find((a) => header.includes(a));
  const mos = MOS_COLUMN_ALIASES.find((a) => header.includes(a));
  // 'dmos' alone does not tell the direction (KADID's is higher-better, CSIQ's lower): callers set it if needed.
  if (image && mos) return { ...LABEL_FORMATS.csv, image, mos };
  // A first record of "<number> <name>" is TID2013's header-less layout.
  if (header.length >= 2 && Number.isFinite(Number(header[0])) && header[0] !== '') return LABEL_FORMATS.tid2013;
  return LABEL_FORMATS.csv;
}

function columnIndex(ref: ColumnRef, header: readonly string[], what: string): number {
  if (typeof ref === 'number') return ref;
  const idx = header.map(normaliseName).indexOf(normaliseName(ref));
  if (idx < 0) {
    throw new Error(`no ${what} column '${ref}' in header [${header.join(', ')}]; set the column name or a format`);
  }
  return idx;
}

function normaliseName(name: string): string {
  return name.trim().toLowerCase();
}
