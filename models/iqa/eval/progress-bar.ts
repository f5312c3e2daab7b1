/**
 * A one-line progress bar for a TTY (redrawn with a carriage return). On a non-TTY stream it stays silent, so logs
 * and redirected output hold no control characters.
 */

/** Minimal writable stream surface (process.stderr fits). */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(chunk: string): unknown;
}

/** Draws `label [#####-----] done/total  rate img/s`. */
export class ProgressBar {
  private readonly started = performance.now();
  private drawn = false;

  constructor(private readonly stream: ProgressStream, private readonly label: string) {}

  /** Redraws with `done` of `total` images. */
  update(done: number, total: number): void {
    if (!this.stream.isTTY) return;
    const seconds = (performance.now() - this.started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const tail = ` ${done}/${total}  ${rate.toFixed(1)} img/s`;
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - this.label.length - tail.length - 4));
    const filled = total > 0 ? Math.round((width * done) / total) : width;
    this.stream.write(`\r${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${tail}`);
    this.drawn = true;
  }

  /** Ends the line (only if something was drawn). */
  finish(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
