/**
 * One server per data directory: an exclusive lock file in the state folder, created with O_EXCL and holding the
 * owner's pid. Two servers on one data dir would both run every pending prompt and sweep each other's temp/
 * (issue 19). A lock whose pid no longer runs (the server was killed) is taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Another live process holds the data directory. */
export class StateLockedError extends Error {
  override readonly name = 'StateLockedError';
  constructor(
    readonly pid: number,
    readonly host: string,
  ) {
    super(`the data directory is in use by another perceptgraph server (pid ${pid} on ${host}); stop it first or start with another --data-dir`);
  }
}

/** A held lock; `release` removes the file if it is still ours. */
export interface StateLock {
  readonly file: string;
  release(): void;
}

interface LockInfo {
  pid: number;
  host: string;
  started: string;
}

function readLock(file: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
    return Number.isInteger(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * Takes the lock `<stateDir>/server.lock`.
 * @throws StateLockedError naming the holder when a live process on this host holds it.
 */
export function lockStateDir(stateDir: string): StateLock {
  const file = path.join(stateDir, 'server.lock');
  const mine: LockInfo = { pid: process.pid, host: os.hostname(), started: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(mine), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw err;
    }
    const held = readLock(file);
    // Another host (a shared network folder) cannot be probed: trust its lock.
    if (held && (held.host !== mine.host || (held.pid !== process.pid && isRunning(held.pid)))) throw new StateLockedError(held.pid, held.host);
    if (held?.pid === process.pid) throw new StateLockedError(held.pid, held.host);
    rmSync(file, { force: true }); // stale (its process is gone) or unreadable: take it over
  }
  return {
    file,
    release() {
      if (readLock(file)?.pid === process.pid) rmSync(file, { force: true });
    },
  };
}
