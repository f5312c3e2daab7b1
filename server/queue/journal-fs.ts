/**
 * The file operations under a journal: node's sync fs by default. Tests pass a wrapper that injects faults (a
 * full disk, a write cut short) so that disk-full handling is checked against real files (docs/reliability.md).
 */
import fs from 'node:fs';

export interface JournalFs {
  appendFileSync(file: string, data: string | Buffer): void;
  writeFileSync(file: string, data: string): void;
  renameSync(from: string, to: string): void;
  truncateSync(file: string, length: number): void;
  rmSync(file: string): void;
  openSync(file: string, flags: string): number;
  readSync(fd: number, buffer: Buffer, offset: number, length: number, position: number | null): number;
  closeSync(fd: number): void;
  existsSync(file: string): boolean;
  statSize(file: string): number;
}

export const nodeJournalFs: JournalFs = {
  appendFileSync: (f, d) => fs.appendFileSync(f, d),
  writeFileSync: (f, d) => fs.writeFileSync(f, d),
  renameSync: (a, b) => fs.renameSync(a, b),
  truncateSync: (f, n) => fs.truncateSync(f, n),
  rmSync: (f) => fs.rmSync(f, { force: true }),
  openSync: (f, flags) => fs.openSync(f, flags),
  readSync: (fd, b, o, l, p) => fs.readSync(fd, b, o, l, p),
  closeSync: (fd) => fs.closeSync(fd),
  existsSync: (f) => fs.existsSync(f),
  statSize: (f) => fs.statSync(f).size,
};

/**
 * A state change that could not be written (ENOSPC, EDQUOT, EROFS, EIO …): nothing of it was applied. The API
 * answers 507 with this message; the worker retries its writes until space returns.
 */
export class StateWriteError extends Error {
  override readonly name = 'StateWriteError';
  constructor(
    /** The file's base name, never its absolute path (API errors carry no paths). */
    readonly fileName: string,
    readonly code: string | undefined,
    override readonly cause: unknown,
  ) {
    const why = code === 'ENOSPC' || code === 'EDQUOT' ? 'no space left on the device holding the data directory' : code === 'EROFS' ? 'the data directory is read-only' : `${code ?? 'write error'}`;
    super(`cannot write server state (${fileName}): ${why}; nothing was changed, free some space and retry`);
  }
}
