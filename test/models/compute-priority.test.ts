/**
 * When asked (`serve`), compute threads run below the event loop's priority (models/compute-priority.mjs): the
 * inference worker and the threads onnxruntime starts in it, the off-thread worker, and libvips' workers, while the
 * main thread keeps its own; unasked, nothing is lowered. Linux only (per-thread nice values).
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPUTE_NICE } from '../../models/compute-priority.mjs';
import { watchLibvipsThreads } from '../../models/image/libvips-priority.js';
import { callOffThread, setOffThreadLowPriority, stopOffThreadWorker } from '../../models/off-thread/off-thread.js';
import { SessionPool } from '../../models/onnx/session-pool.js';
import { buildSlowMatMul } from './onnx/tiny-onnx.js';

/** tid → [comm, nice] of this process's threads. */
function threads(): Map<number, [string, number]> {
  const out = new Map<number, [string, number]>();
  for (const t of readdirSync('/proc/self/task')) {
    try {
      const comm = readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim();
      out.set(Number(t), [comm, os.getPriority(Number(t))]);
    } catch {
      // ended meanwhile
    }
  }
  return out;
}

const root = mkdtempSync(path.join(os.tmpdir(), 'pg-prio-'));
afterAll(async () => {
  await stopOffThreadWorker();
  rmSync(root, { recursive: true, force: true });
});

describe.runIf(process.platform === 'linux')('compute thread priority', () => {
  it('lowers the inference worker and onnxruntime’s threads, not the main thread', async () => {
    const before = new Set(threads().keys());
    const pool = new SessionPool({ device: 'cpu', ortLogLevel: 'fatal', sessionOptions: { intraOpNumThreads: 2 }, lowPriority: true });
    try {
      const s = await pool.get(buildSlowMatMul(path.join(root, 'slow.onnx'), 64, 2));
      await s.run({ x: { data: new Float32Array(64 * 64), dims: [64, 64] } });
      const added = [...threads()].filter(([tid]) => !before.has(tid));
      const lowered = added.filter(([, [, nice]]) => nice === COMPUTE_NICE);
      // The worker thread itself and at least one intra-op thread it started.
      expect(lowered.length).toBeGreaterThanOrEqual(2);
      expect(os.getPriority(process.pid)).toBe(0);
    } finally {
      await pool.dispose();
    }
  }, 30_000);

  it('lowers the off-thread worker when asked', async () => {
    await stopOffThreadWorker();
    setOffThreadLowPriority(true);
    const before = new Set(threads().keys());
    await callOffThread(new URL('./off-thread/worker-functions.ts', import.meta.url), 'whereAmI', [{ tag: 'p' }]);
    const added = [...threads()].filter(([tid]) => !before.has(tid));
    expect(added.some(([, [, nice]]) => nice === COMPUTE_NICE)).toBe(true);
    expect(os.getPriority(process.pid)).toBe(0);
    await stopOffThreadWorker();
    setOffThreadLowPriority(false);
  }, 30_000);

  it('leaves every thread alone unless asked (CLI, workers, tests)', async () => {
    const before = new Set(threads().keys());
    const pool = new SessionPool({ device: 'cpu', ortLogLevel: 'fatal', sessionOptions: { intraOpNumThreads: 2 } });
    try {
      const s = await pool.get(path.join(root, 'slow.onnx'));
      await s.run({ x: { data: new Float32Array(64 * 64), dims: [64, 64] } });
      await callOffThread(new URL('./off-thread/worker-functions.ts', import.meta.url), 'whereAmI', [{ tag: 'q' }]);
      const added = [...threads()].filter(([tid]) => !before.has(tid));
      expect(added.length).toBeGreaterThanOrEqual(2);
      expect(added.every(([, [, nice]]) => nice === 0)).toBe(true);
    } finally {
      await pool.dispose();
    }
  }, 30_000);

  it('lowers libvips’ worker threads', async () => {
    const stop = watchLibvipsThreads();
    try {
      await sharp({ create: { width: 512, height: 512, channels: 3, background: { r: 1, g: 2, b: 3 } } }).resize(900, 900).raw().toBuffer();
      await new Promise((r) => setTimeout(r, 1200)); // one recheck
      const vips = [...threads().values()].filter(([comm]) => comm.startsWith('libvips'));
      expect(vips.length).toBeGreaterThan(0);
      expect(vips.every(([, nice]) => nice === COMPUTE_NICE)).toBe(true);
    } finally {
      stop();
    }
  }, 30_000);
});
