/**
 * A small RFC 4180 CSV reader and writer, hand-written because the project carries no CSV dependency and the
 * label / I&2T files need exact line numbers for their bad-row reports (which generic parsers drop).
 * Supports quoted fields, "" escapes, delimiters and newlines inside quotes, CRLF / LF / CR line ends and a
 * UTF-8 BOM. It never throws: an unterminated quote becomes a problem entry.
 */

/** One parsed record with the 1-based line number where it starts in the file (what an editor shows). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

/** A problem found while parsing, with the 1-based line where the faulty record starts. */
export interface CsvProblem {
  readonly line: number;
  readonly message: string;
}

/** Options of {@link parseCsv}. */
export interface CsvParseOptions {
  /** Field separator, one character (default ','; '\t' for TSV). */
  readonly delimiter?: string;
}

/** Result of {@link parseCsv}. Blank lines yield no record. */
export interface CsvParseResult {
  readonly records: readonly CsvRecord[];
  readonly problems: readonly CsvProblem[];
}

/** Parses CSV text into records. */
export function parseCsv(text: string, options: CsvParseOptions = {}): CsvParseResult {
  const delimiter = options.delimiter ?? ',';
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  let quotedField = false;
  const endRecord = () => {
    fields.push(field);
    // A lone empty unquoted field is a blank line, not a record with one empty column.
    if (!(fields.length === 1 && fields[0] === '' && !quotedField)) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    quotedField = false;
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"' && field === '' && !quotedField) {
      const end = readQuoted(src, i + 1);
      field = end.value;
      quotedField = true;
      line += end.newlines;
      if (end.next < 0) {
        problems.push({ line: recordLine, message: `unterminated quoted field starting on line ${recordLine}` });
        // The rest of the file is inside the quote: drop the broken record rather than guess where it ends.
        return { records, problems };
      }
      i = end.next;
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
      quotedField = false;
      i++;
    } else if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && src[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || fields.length > 0 || quotedField) endRecord();
  return { records, problems };
}

/** Reads a quoted field body from `start` (just after the opening quote); next = index after the closing quote. */
function readQuoted(src: string, start: number): { value: string; next: number; newlines: number } {
  let value = '';
  let newlines = 0;
  let i = start;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"') {
      if (src[i + 1] === '"') {
        value += '"';
        i += 2;
        continue;
      }
      return { value, next: i + 1, newlines };
    }
    if (c === '\n' || (c === '\r' && src[i + 1] !== '\n')) newlines++;
    value += c;
    i++;
  }
  return { value, next: -1, newlines };
}

/** Quotes a field when it contains the delimiter, a quote, a line break or leading/trailing spaces. */
export function formatCsvField(value: string, delimiter = ','): string {
  const needsQuotes = value.includes(delimiter) || /["\r\n]/.test(value) || value !== value.trim();
  return needsQuotes ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Formats rows as CSV text with LF line ends and a trailing newline. */
export function formatCsv(rows: readonly (readonly string[])[], delimiter = ','): string {
  return rows.map((r) => r.map((f) => formatCsvField(f, delimiter)).join(delimiter)).join('\n') + '\n';
}
