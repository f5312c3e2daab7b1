/**
 * An append-only JSON-lines file with atomic compaction: the persistence under the embedded queue and history.
 * Appending one line per change keeps a 1,000-prompt burst linear; a crash can at worst leave a torn last line,
 * which `load` drops. Lines are written with the bigint-preserving codec so 64-bit seeds survive restarts.
 *
 * Hardening (docs/reliability.md): the file is read in chunks, never as one string (a 665 MiB journal once could
 * not be loaded); each line is checked against a zod schema, and bad lines are skipped and reported with file
 * and line number; a failed append (disk full) is cut back off the file and thrown as `StateWriteError`, so the
 * caller applies only what was written; size is tracked so callers can compact on bytes as well as on lines.
 */
import path from 'node:path';
import type { z } from 'zod';
import { joinJsonChunks, parseJson, stringifyJson, stringifyJsonPieces, type JsonChunk } from '../protocol/json-codec.js';
import { nodeJournalFs, StateWriteError, type JournalFs } from './journal-fs.js';
import { utf8Pieces } from './journal-line-pieces.js';

/** Longest line `load` accepts; longer ones are reported as bad (a prompt's stored size is capped well below). */
export const MAX_JOURNAL_LINE_BYTES = 256 * 1024 * 1024;
const CHUNK = 1024 * 1024;
/** Lines of at least this many characters are written by `appendInPieces` in pieces of this size, yielding between. */
export const PIECEWISE_LINE_CHARS = 1024 * 1024;

/** A long line being written piece by piece; a sync `append` meanwhile finishes it first (lines stay whole). */
interface PieceWrite {
  readonly pieces: Iterator<Buffer>;
  /** Where the file is cut back to if a piece fails (its size before this line). */
  readonly start: number;
  /** Called as soon as the whole line is written, before anything else is appended (changes apply in line order). */
  readonly onWritten: (bytes: number) => void;
  bytes: number;
  finished: boolean;
  error?: StateWriteError;
  /** Resolves once `finished` is set, for writes waiting behind this one. */
  readonly done: Promise<void>;
  readonly settle: () => void;
}

export interface JournalOptions<Op> {
  /** Shape of one line; lines that do not match are skipped and reported. */
  readonly schema: z.ZodType<Op>;
  readonly fs?: JournalFs;
}

/** A line `load` skipped: where, and why. */
export interface BadLine {
  readonly file: string;
  readonly lineNo: number;
  readonly reason: string;
}

/** Calls `onLine(text, lineNo, bytes)` (bytes with the newline) for each line of `file`, reading 1 MiB at a time. */
function forEachLine(fs: JournalFs, file: string, onLine: (text: string | undefined, lineNo: number, bytes: number) => void): void {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(CHUNK);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let lineNo = 0;
    const flush = (tail: Buffer, newline: number) => {
      lineNo++;
      const bytes = pendingBytes + tail.length + newline;
      // An over-long line is reported (text undefined) without ever being decoded into a string.
      onLine(bytes - newline > MAX_JOURNAL_LINE_BYTES ? undefined : Buffer.concat([...pending, tail]).toString('utf8'), lineNo, bytes);
      pending = [];
      pendingBytes = 0;
    };
    for (;;) {
      const n = fs.readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl >= 0 && nl < n; nl = buf.indexOf(10, start)) {
        flush(buf.subarray(start, nl), 1);
        start = nl + 1;
      }
      if (start < n) {
        if (pendingBytes <= MAX_JOURNAL_LINE_BYTES) pending.push(Buffer.from(buf.subarray(start, n)));
        pendingBytes += n - start;
      }
    }
    if (pendingBytes > 0) flush(Buffer.alloc(0), 0);
  } finally {
    fs.closeSync(fd);
  }
}

/** A journal of operations of type `Op`, one JSON object per line. */
export class Journal<Op> {
  #appended = 0;
  #bytesSinceRewrite = 0;
  #bytesAtRewrite = 0;
  /** File size after the last complete write (where a failed append is cut back to); undefined before load. */
  #size: number | undefined;
  /** A failed append could not be cut back: start the next line on a fresh line. */
  #torn = false;
  #writing: PieceWrite | undefined;
  readonly #fs: JournalFs;
  readonly #schema: z.ZodType<Op>;

  /** `file` is created on the first write; its directory must exist. */
  constructor(
    readonly file: string,
    options: JournalOptions<Op>,
  ) {
    this.#fs = options.fs ?? nodeJournalFs;
    this.#schema = options.schema;
  }

  /** Lines appended since the last `rewrite`. */
  get appendedSinceRewrite(): number {
    return this.#appended;
  }

  /** Bytes appended since the last `rewrite`, and the size that rewrite wrote (compaction on size). */
  get bytesSinceRewrite(): number {
    return this.#bytesSinceRewrite;
  }

  get bytesAtRewrite(): number {
    return this.#bytesAtRewrite;
  }

  /**
   * Reads every valid operation with its line's size in bytes. Torn, unparsable, over-long or wrongly shaped lines
   * are skipped and reported through `onBadLine`.
   */
  load(onBadLine?: (bad: BadLine) => void): { op: Op; bytes: number }[] {
    if (!this.#fs.existsSync(this.file)) return [];
    const ops: { op: Op; bytes: number }[] = [];
    const bad = (lineNo: number, reason: string) => onBadLine?.({ file: this.file, lineNo, reason });
    forEachLine(this.#fs, this.file, (text, lineNo, bytes) => {
      if (text === undefined) return bad(lineNo, `line of ${bytes} bytes is longer than ${MAX_JOURNAL_LINE_BYTES}`);
      if (text.trim() === '') return;
      let value: unknown;
      try {
        value = parseJson(text);
      } catch (err) {
        return bad(lineNo, `not JSON (${err instanceof Error ? err.message : String(err)})`);
      }
      const checked = this.#schema.safeParse(value);
      if (!checked.success) return bad(lineNo, `unexpected shape (${checked.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ')})`);
      // The parsed value itself, not zod's copy: it keeps every key and the codec's float-literal marks.
      ops.push({ op: value as Op, bytes });
    });
    this.#size = this.#fs.statSize(this.file);
    // A torn last line (a crash mid-append) must not swallow the next append: that starts on a fresh line.
    this.#torn = this.#size > 0 && !this.#endsWithNewline();
    return ops;
  }

  #endsWithNewline(): boolean {
    const fd = this.#fs.openSync(this.file, 'r');
    try {
      const b = Buffer.alloc(1);
      return this.#fs.readSync(fd, b, 0, 1, this.#size! - 1) === 1 && b[0] === 10;
    } finally {
      this.#fs.closeSync(fd);
    }
  }

  /**
   * Appends one operation; returns the bytes written.
   * @throws StateWriteError when the write fails; the file is cut back to its previous size.
   */
  append(op: Op): number {
    this.#finishPieceWrite();
    return this.#appendLine((this.#torn ? '\n' : '') + stringifyJson(op) + '\n');
  }

  /**
   * Appends one operation like `append`, but a line of `PIECEWISE_LINE_CHARS` or more (a 50 MB prompt) is
   * encoded and written 1 MiB at a time, yielding to the event loop between pieces, so no client waits for the
   * whole line (issue 19; docs/reliability.md, "JSON"). The caller applies the change in `onWritten(bytes)`,
   * called once the whole line is written and before any later line is (so changes apply in journal order even
   * when a sync `append` finishes this line first). A short line is written at once (`onWritten` runs before this
   * returns). A failed piece cuts the file back to its size before the line, and the returned promise rejects
   * with `StateWriteError` (a short line's failure throws, as `append`'s).
   */
  appendInPieces(op: Op, onWritten: (bytes: number) => void): void | Promise<void> {
    const texts = stringifyJsonPieces(op);
    let chars = 0;
    for (const t of texts) chars += t.length;
    if (chars < PIECEWISE_LINE_CHARS && !this.#writing) return onWritten(this.#appendLine((this.#torn ? '\n' : '') + joinJsonChunks(texts) + '\n'));
    return this.#writeInPieces(texts, onWritten);
  }

  async #writeInPieces(texts: JsonChunk[], onWritten: (bytes: number) => void): Promise<void> {
    while (this.#writing) await this.#settled(this.#writing).catch(() => 0); // its caller sees its error
    this.#size ??= this.#fs.existsSync(this.file) ? this.#fs.statSize(this.file) : 0;
    const lineTexts = this.#torn ? ['\n', ...texts, '\n'] : [...texts, '\n'];
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    const w: PieceWrite = { pieces: utf8Pieces(lineTexts, PIECEWISE_LINE_CHARS), start: this.#size, bytes: 0, finished: false, onWritten, done, settle };
    this.#writing = w;
    while (!w.finished) {
      this.#writePiece(w);
      if (!w.finished) await new Promise((resolve) => setImmediate(resolve));
    }
    await this.#settled(w);
  }

  /** Waits for `w` to finish (a sync `append` may finish it meanwhile); its bytes, or its error. */
  async #settled(w: PieceWrite): Promise<number> {
    await w.done;
    if (w.error) throw w.error;
    return w.bytes;
  }

  #writePiece(w: PieceWrite): void {
    const next = w.pieces.next();
    if (next.done) {
      this.#size = w.start;
      this.#lineWritten(w.bytes);
      this.#finished(w);
      return w.onWritten(w.bytes);
    }
    try {
      this.#fs.appendFileSync(this.file, next.value);
      w.bytes += next.value.length;
      return;
    } catch (err) {
      this.#size = w.start;
      this.#cutBack();
      w.error = new StateWriteError(path.basename(this.file), (err as NodeJS.ErrnoException).code, err);
    }
    this.#finished(w);
  }

  #finished(w: PieceWrite): void {
    w.finished = true;
    this.#writing = undefined;
    w.settle();
  }

  /** A sync write while a long line is half written: that line is finished first, so lines never interleave. */
  #finishPieceWrite(): void {
    const w = this.#writing;
    while (w && !w.finished) this.#writePiece(w);
  }

  #appendLine(line: string): number {
    this.#size ??= this.#fs.existsSync(this.file) ? this.#fs.statSize(this.file) : 0;
    try {
      this.#fs.appendFileSync(this.file, line);
    } catch (err) {
      this.#cutBack();
      throw new StateWriteError(path.basename(this.file), (err as NodeJS.ErrnoException).code, err);
    }
    const bytes = Buffer.byteLength(line);
    this.#lineWritten(bytes);
    return bytes;
  }

  /** Bookkeeping once a whole line of `bytes` is on disk after `#size` (one write or the last of its pieces). */
  #lineWritten(bytes: number): void {
    this.#torn = false;
    this.#size = (this.#size ?? 0) + bytes;
    this.#appended++;
    this.#bytesSinceRewrite += bytes;
  }

  #cutBack(): void {
    try {
      if (this.#fs.existsSync(this.file)) this.#fs.truncateSync(this.file, this.#size ?? 0);
    } catch {
      this.#torn = true; // the partial line stays; `load` skips it as torn once the next line starts afresh
    }
  }

  /**
   * Replaces the file with `ops` atomically (write a sibling temp file, then rename over).
   * @throws StateWriteError when it cannot be written; the old file is left as it was.
   */
  rewrite(ops: readonly Op[]): void {
    this.#finishPieceWrite();
    const tmp = `${this.file}.${process.pid}.tmp`;
    const text = ops.map((op) => stringifyJson(op) + '\n').join('');
    try {
      this.#fs.writeFileSync(tmp, text);
      this.#fs.renameSync(tmp, this.file);
    } catch (err) {
      try {
        this.#fs.rmSync(tmp);
      } catch {
        // nothing more to do: the temp name is the journal's own and is overwritten next time
      }
      throw new StateWriteError(path.basename(this.file), (err as NodeJS.ErrnoException).code, err);
    }
    this.#size = Buffer.byteLength(text);
    this.#torn = false;
    this.#appended = 0;
    this.#bytesSinceRewrite = 0;
    this.#bytesAtRewrite = this.#size;
  }

  /** Whether a rewrite is due: many lines, or many bytes, since the last one relative to what is live. */
  compactionDue(liveLines: number): boolean {
    return this.#appended > 1000 + 4 * liveLines || this.#bytesSinceRewrite > 64 * 1024 * 1024 + 2 * this.#bytesAtRewrite;
  }
}
