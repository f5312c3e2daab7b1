/**
 * Start-up clean-up of the data directory: temp/ is emptied (as ComfyUI's `cleanup_temp` does: previews and
 * upload buffers are per run), and what interrupted saves and uploads left in input/ and output/ (their
 * `.partial/` folders) is removed. Runs after the state lock is held, so a second server cannot sweep under a
 * running one (docs/reliability.md).
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { sweepPartialFiles } from '../../models/image/write-new-file.js';
import type { DataDirs } from '../data-dir.js';

/** What the sweep removed, for the start-up log. */
export interface SweepReport {
  readonly tempEntries: number;
}

/** Empties `dirs.temp` (keeping the folder) and drops `.partial/` under input and output. */
export function sweepAtStart(dirs: DataDirs): SweepReport {
  let tempEntries = 0;
  mkdirSync(dirs.temp, { recursive: true });
  for (const entry of readdirSync(dirs.temp)) {
    rmSync(path.join(dirs.temp, entry), { recursive: true, force: true });
    tempEntries++;
  }
  sweepPartialFiles(dirs.input);
  sweepPartialFiles(dirs.output);
  return { tempEntries };
}
