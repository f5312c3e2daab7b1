// Compute threads (model conversion, onnxruntime, libvips) run at a lower priority than the server's event loop,
// so that on a machine with few cores a request is answered between their time slices instead of waiting for
// the scheduler (docs/architecture.md, "Responsiveness"). Plain JS: the inference and off-thread workers import
// it before any TypeScript loader exists. Linux only: there `nice` applies per thread and a thread's value is
// inherited by the threads it starts (onnxruntime's pool); elsewhere it would lower the whole process.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';

/** The nice value of compute threads (the event loop keeps 0). */
export const COMPUTE_NICE = 10;

const linux = process.platform === 'linux';

function renice(tid) {
  try {
    if (os.getPriority(tid) < COMPUTE_NICE) os.setPriority(tid, COMPUTE_NICE);
    return true;
  } catch {
    return false; // the thread ended, or the system refuses: priority is an optimisation only
  }
}

/** Lowers the calling thread, and the threads it starts from now on, to COMPUTE_NICE. */
export function lowerThisThreadPriority() {
  if (!linux) return false;
  try {
    return renice(Number(readlinkSync('/proc/thread-self').split('/').pop()));
  } catch {
    return false;
  }
}

/** Lowers libvips' worker threads (sharp starts them on demand from libuv's pool) to COMPUTE_NICE. */
export function lowerLibvipsThreads() {
  if (!linux) return 0;
  let lowered = 0;
  try {
    for (const task of readdirSync('/proc/self/task')) {
      let comm;
      try {
        comm = readFileSync(`/proc/self/task/${task}/comm`, 'utf8');
      } catch {
        continue; // ended meanwhile
      }
      if (comm.startsWith('libvips') && renice(Number(task))) lowered++;
    }
  } catch {
    // no /proc: nothing to do
  }
  return lowered;
}
