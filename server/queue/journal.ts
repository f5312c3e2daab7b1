/**
 * An append-only JSON-lines file with atomic compaction: the persistence under the embedded queue and history.
 * Appending one line per change keeps a 1,000-prompt burst linear; a crash can at worst leave a torn last line,
 * which `load` drops. Lines are written with the bigint-preserving codec so 64-bit seeds survive restarts.
 */
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseJson, stringifyJson } from '../protocol/json-codec.js';

/** A journal of operations of type `Op`, one JSON object per line. */
export class Journal<Op> {
  #appended = 0;

  /** `file` is created on the first write; its directory must exist. */
  constructor(readonly file: string) {}

  /** Number of lines appended since the last `rewrite` (used to decide when to compact). */
  get appendedSinceRewrite(): number {
    return this.#appended;
  }

  /** Reads every complete operation; unparsable lines (a torn write) are skipped and reported through `onBadLine`. */
  load(onBadLine?: (lineNo: number, error: unknown) => void): Op[] {
    if (!existsSync(this.file)) return [];
    const ops: Op[] = [];
    const lines = readFileSync(this.file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        ops.push(parseJson(line) as Op);
      } catch (err) {
        onBadLine?.(i + 1, err);
      }
    });
    return ops;
  }

  append(op: Op): void {
    appendFileSync(this.file, stringifyJson(op) + '\n');
    this.#appended++;
  }

  /** Replaces the file with `ops` atomically (write a sibling temp file, then rename over). */
  rewrite(ops: readonly Op[]): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, ops.map((op) => stringifyJson(op) + '\n').join(''));
    renameSync(tmp, this.file);
    this.#appended = 0;
  }
}
