import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionPool } from '../../../models/onnx/session-pool.js';
import { floatOutput } from '../../../models/onnx/tensor-types.js';
import { buildSlowMatMul } from './tiny-onnx.js';

const SIZE = 512;
const STEPS = 500;

let dir: string;
let pool: SessionPool;
let server: http.Server;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pg-slow-'));
  // One intra-op thread leaves the other core to the event loop on a 2-core machine.
  pool = new SessionPool({ device: 'cpu', ortLogLevel: 'fatal', sessionOptions: { intraOpNumThreads: 1 } });
  server = http.createServer((_req, res) => res.end('{"queue_running":[]}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/queue`;
});
afterAll(async () => {
  await pool.dispose();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

async function timedGet(): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url);
  await res.text();
  return performance.now() - t0;
}

describe('SessionPool worker threads', () => {
  it('keep an HTTP server answering within 100 ms while a long run is in flight', async () => {
    const s = await pool.get(buildSlowMatMul(path.join(dir, 'slow.onnx'), SIZE, STEPS));
    await timedGet(); // warm the HTTP client
    const x = { data: new Float32Array(SIZE * SIZE).fill(1 / SIZE), dims: [SIZE, SIZE] };
    let done = false;
    const t0 = performance.now();
    const run = s.run({ x }).finally(() => (done = true));
    const latencies: number[] = [];
    while (!done) {
      latencies.push(await timedGet());
      await new Promise((r) => setTimeout(r, 20));
    }
    const runMs = performance.now() - t0;
    const y = floatOutput(await run, 'y');
    expect(y.data[0]).toBeCloseTo(1 / SIZE, 6);
    // The run must be long enough for the check to mean something.
    expect(runMs).toBeGreaterThan(300);
    expect(latencies.length).toBeGreaterThan(3);
    expect(Math.max(...latencies)).toBeLessThan(100);
  }, 30_000);
});

describe('ModelSession.run abort', () => {
  it('rejects at once when the signal aborts mid-run, and the session stays usable', async () => {
    const s = await pool.get(path.join(dir, 'slow.onnx'));
    const x = { data: new Float32Array(SIZE * SIZE).fill(1 / SIZE), dims: [SIZE, SIZE] };
    const ac = new AbortController();
    const t0 = performance.now();
    const run = s.run({ x }, { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('interrupted by user')), 50);
    await expect(run).rejects.toThrow('interrupted by user');
    const abortedAfter = performance.now() - t0;
    const out = await s.run({ x });
    const fullRun = performance.now() - t0 - abortedAfter;
    // The rejection came well before the native run (which the next run waits behind) could have finished.
    expect(abortedAfter).toBeLessThan(fullRun / 2);
    expect(floatOutput(out, 'y').data[0]).toBeCloseTo(1 / SIZE, 6);
  }, 30_000);
});
