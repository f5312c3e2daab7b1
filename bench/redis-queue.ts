/**
 * The Redis/BullMQ backend against the embedded queue, on one machine: throughput of trivial prompts (the
 * per-prompt overhead) and of 50 ms prompts (the scaling a waiting-bound workload such as a GPU step would see)
 * with 1, 2 and 4 worker processes, and the latency from `POST /prompt` to `execution_start` on an idle queue.
 * Starts its own redis-server (test/support/redis-server.ts) and worker processes (test/support/redis-worker-main.ts).
 */
import { performance } from 'node:perf_hooks';
import { spawnWorker, startRedisTestServer, CLUSTER_NODES, type ChildWorker } from '../test/support/redis-cluster.js';
import { startRedis } from '../test/support/redis-server.js';
import { startTestServer, type TestServer } from '../test/support/test-server.js';
import { connectWs } from '../test/support/ws-client.js';

export interface RedisQueueFigures {
  /** prompts/s by setup: `embedded`, `redis×1`, `redis×2`, `redis×4`. */
  readonly trivial: Record<string, number>;
  readonly sleep50: Record<string, number>;
  /** POST → execution_start, ms. */
  readonly latency: Record<string, { p50: number; p99: number }>;
}

async function drain(s: TestServer, prompts: Record<string, unknown>[], lanes = 8): Promise<number> {
  const ids: string[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      for (let i = next++; i < prompts.length; i = next++) {
        const r = await s.postJson('/prompt', { prompt: prompts[i] });
        if (r.status !== 200) throw new Error(`POST /prompt → ${r.status}`);
        ids.push(r.body.prompt_id);
      }
    }),
  );
  for (;;) {
    const left = (await s.getJson('/prompt')).body.exec_info.queue_remaining as number;
    const done = Object.keys((await s.getJson(`/history?max_items=${prompts.length + 10}`)).body).length;
    if (left === 0 && done >= prompts.length) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  return (prompts.length / (performance.now() - t0)) * 1000;
}

async function latency(s: TestServer, n: number): Promise<{ p50: number; p99: number }> {
  const ws = await connectWs(s.url, { clientId: 'bench-latency' });
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await s.postJson('/prompt', { prompt: trivialPrompt(serial++), client_id: 'bench-latency' });
    const id = r.body.prompt_id as string;
    await ws.waitFor((m) => m.type === 'execution_start' && m.data.prompt_id === id, { timeoutMs: 10_000 });
    samples.push(performance.now() - t0);
    await ws.waitForDone(id, 10_000);
  }
  await ws.close();
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(n * 0.5)]!, p99: samples[Math.min(n - 1, Math.floor(n * 0.99))]! };
}

// Every prompt differs in node 1, so no worker's cache can answer it: each one really runs.
const trivialPrompt = (i: number) => ({
  '1': { class_type: 'CountCalls', inputs: { a: i } },
  '2': { class_type: 'StubOutput', inputs: { value: ['1', 0] } },
});
const sleepingPrompt = (i: number, ms: number) => ({
  '1': { class_type: 'CountCalls', inputs: { a: i } },
  '2': { class_type: 'Sleep', inputs: { ms, steps: 1, value: ['1', 0] } },
  '3': { class_type: 'StubOutput', inputs: { value: ['2', 0] } },
});
let serial = 0; // distinct across calls too
const trivial = (n: number) => Array.from({ length: n }, () => trivialPrompt(serial++));
const sleeps = (n: number) => Array.from({ length: n }, () => sleepingPrompt(serial++, 50));

export async function benchRedisQueue(options: { trivialPrompts?: number; sleepPrompts?: number; latencySamples?: number } = {}): Promise<RedisQueueFigures> {
  const nT = options.trivialPrompts ?? 300;
  const nS = options.sleepPrompts ?? 40;
  const nL = options.latencySamples ?? 100;
  const out: { trivial: Record<string, number>; sleep50: Record<string, number>; latency: Record<string, { p50: number; p99: number }> } = { trivial: {}, sleep50: {}, latency: {} };

  const embedded = await startTestServer({ nodes: CLUSTER_NODES });
  try {
    out.trivial.embedded = await drain(embedded, trivial(nT));
    out.sleep50.embedded = await drain(embedded, sleeps(nS));
    out.latency.embedded = await latency(embedded, nL);
  } finally {
    await embedded.close();
  }

  const redis = await startRedis();
  const s = await startRedisTestServer(redis.url, { pollMs: 1000 });
  const workers: ChildWorker[] = [];
  try {
    for (const count of [1, 2, 4]) {
      while (workers.length < count) workers.push(await spawnWorker(redis.url, { id: `bench${workers.length}`, lockMs: 30_000 }));
      await drain(s, trivial(20)); // warm the new workers
      out.trivial[`redis×${count}`] = await drain(s, trivial(nT));
      out.sleep50[`redis×${count}`] = await drain(s, sleeps(nS));
      if (count === 1) out.latency['redis×1'] = await latency(s, nL);
    }
  } finally {
    for (const w of workers) await w.stop();
    await s.close();
    await redis.stop();
  }
  return out;
}
