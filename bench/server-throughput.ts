/**
 * `POST /prompt` throughput: a real server (port 0, temp data dir, persisted queue and history) with a trivial
 * two-node registry receives 1,000 distinct prompts over HTTP. Measures how fast prompts are accepted
 * (validated, queued, journaled, answered) and how long the whole queue takes to drain (each prompt executed,
 * its history written). Prints nothing; `bench/run.ts` reports the figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { embeddedBackend } from '../server/queue/embedded-backend.js';
import { startServer } from '../server/api/server.js';
import { dataDirs } from '../server/data-dir.js';
import { Engine } from '../server/engine/engine.js';
import { int, socket } from '../server/engine/inputs.js';
import { defineNode } from '../server/engine/node-definition.js';
import { NodeRegistry } from '../server/engine/registry.js';
import { INT } from '../server/engine/socket-type.js';

const BenchConst = defineNode({
  type: 'BenchConst',
  category: 'bench',
  inputs: { required: { a: int({ default: 0, min: 0, max: 1_000_000 }) } },
  outputs: [{ type: INT }],
  run: (_ctx, { a }) => ({ outputs: [a] }),
});

const BenchSink = defineNode({
  type: 'BenchSink',
  category: 'bench',
  outputNode: true,
  inputs: { required: { value: socket(INT) } },
  outputs: [],
  run: (_ctx, { value }) => ({ ui: { value: [value] } }),
});

export interface ThroughputOptions {
  /** Prompts to post (default 1,000). */
  readonly prompts?: number;
  /** Requests in flight at once (default 8). */
  readonly concurrency?: number;
}

/** Figures of one run; times in milliseconds. */
export interface ThroughputResult {
  readonly prompts: number;
  readonly concurrency: number;
  /** From the first POST to the last 200 reply. */
  readonly acceptMs: number;
  /** Prompts accepted per second (POST /prompt throughput). */
  readonly acceptPerSecond: number;
  /** From the first POST until every prompt is executed and in the history. */
  readonly drainMs: number;
  /** Prompts executed end to end per second. */
  readonly drainPerSecond: number;
}

/** Posts `prompts` distinct trivial prompts and waits for the queue to drain. */
export async function benchPromptThroughput(options: ThroughputOptions = {}): Promise<ThroughputResult> {
  const n = options.prompts ?? 1000;
  const concurrency = options.concurrency ?? 8;
  const root = mkdtempSync(path.join(os.tmpdir(), 'pg-bench-'));
  const dirs = dataDirs(root);
  const engine = new Engine({ registry: new NodeRegistry([BenchConst, BenchSink]), services: { dirs } as never });
  const backend = embeddedBackend({ engine, stateDir: dirs.state });
  const server = await startServer({ engine, dirs, port: 0, backend, log: () => {} });
  try {
    const drained = new Promise<void>((resolve) => {
      backend.queue.subscribe(() => {
        if (backend.history.size >= n && backend.queue.remaining() === 0) resolve();
      });
    });
    const body = (i: number) =>
      JSON.stringify({ client_id: 'bench', prompt: { '1': { class_type: 'BenchConst', inputs: { a: i } }, '2': { class_type: 'BenchSink', inputs: { value: ['1', 0] } } } });
    let next = 0;
    const start = performance.now();
    const lane = async () => {
      for (let i = next++; i < n; i = next++) {
        const r = await fetch(`${server.url}/prompt`, { method: 'POST', body: body(i) });
        if (r.status !== 200) throw new Error(`POST /prompt #${i} answered ${r.status}: ${await r.text()}`);
        await r.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    const acceptMs = performance.now() - start;
    await drained;
    const drainMs = performance.now() - start;
    return { prompts: n, concurrency, acceptMs, acceptPerSecond: (n / acceptMs) * 1000, drainMs, drainPerSecond: (n / drainMs) * 1000 };
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
}
