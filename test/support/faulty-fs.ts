/**
 * A disk-fault injector over the real file system (not a mock of our components): while `full` is set, every
 * write stores only its first `partialBytes` bytes and then fails with ENOSPC, as a full disk does.
 */
import fs from 'node:fs';
import { nodeJournalFs, type JournalFs } from '../../server/queue/journal-fs.js';

export interface FaultyFs extends JournalFs {
  /** Whether the disk is full now. */
  full: boolean;
  /** Bytes a failing write still stores (a torn line). */
  partialBytes: number;
  /** Failed writes so far. */
  failures: number;
}

function enospc(file: string): Error {
  return Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), { code: 'ENOSPC', errno: -28 });
}

export function faultyFs(): FaultyFs {
  const f: FaultyFs = {
    ...nodeJournalFs,
    full: false,
    partialBytes: 0,
    failures: 0,
    appendFileSync(file, data) {
      if (!f.full) return nodeJournalFs.appendFileSync(file, data);
      f.failures++;
      if (f.partialBytes > 0) fs.appendFileSync(file, data.slice(0, f.partialBytes));
      throw enospc(file);
    },
    writeFileSync(file, data) {
      if (!f.full) return nodeJournalFs.writeFileSync(file, data);
      f.failures++;
      fs.writeFileSync(file, data.slice(0, f.partialBytes));
      throw enospc(file);
    },
  };
  return f;
}
