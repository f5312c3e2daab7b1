/**
 * Faults with a real redis-server and worker processes (`redis-worker-main.ts`, 1 s BullMQ locks so a lost
 * worker's prompt is re-run within about two seconds): kill -9 mid-prompt, a randomized run with kills, a server
 * restart, a Redis restart with AOF, and Redis going away mid-run (503, then recovery).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawnWorker, startRedisTestServer, sleepPrompt, type ChildWorker } from '../../../support/redis-cluster.js';
import { startRedis, type TestRedis } from '../../../support/redis-server.js';
import type { TestServer } from '../../../support/test-server.js';
import { connectWs, type WsClient } from '../../../support/ws-client.js';

const undo: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const u of undo.splice(0).reverse()) await u().catch(() => {});
});

async function cluster(workerCount: number, options: { aof?: boolean } = {}) {
  const redis: TestRedis = await startRedis({ aof: options.aof });
  undo.push(() => redis.stop());
  const logs: string[] = [];
  const server = await startRedisTestServer(redis.url, { logs });
  let s = server;
  undo.push(() => s.close());
  const workers: ChildWorker[] = [];
  const spawnOne = async (id: string) => {
    const w = await spawnWorker(redis.url, { id, lockMs: 1000 });
    workers.push(w);
    undo.push(() => w.stop());
    return w;
  };
  await Promise.all(Array.from({ length: workerCount }, (_, i) => spawnOne(`w${i}`)));
  return { redis, logs, get server() { return s; }, setServer: (n: TestServer) => (s = n), workers, spawnOne };
}

async function runningOn(s: TestServer, promptId: string, timeoutMs = 5000): Promise<string> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const devices = (await s.getJson('/system_stats')).body.devices as { worker_id: string; current_prompt: string | null }[];
    const d = devices.find((x) => x.current_prompt === promptId);
    if (d) return d.worker_id;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`prompt ${promptId} is not reported running`);
}

const finals = (ws: WsClient, id: string) =>
  ws.messages.filter((m) => m.data?.prompt_id === id && ['execution_success', 'execution_error', 'execution_interrupted', 'execution_restarted'].includes(m.type)).map((m) => m.type);

describe('a worker killed mid-prompt', () => {
  it('the prompt runs again on another worker; the client is told, then gets the real outcome; one history record', async () => {
    const c = await cluster(2);
    const s = c.server;
    const ws = await connectWs(s.url, { clientId: 'k' });
    const id = (await s.postJson('/prompt', { prompt: sleepPrompt(1200, 'survivor', 12), client_id: 'k' })).body.prompt_id as string;
    await ws.waitFor((m) => m.type === 'progress' && m.data.prompt_id === id, { timeoutMs: 10_000 });
    const victim = await runningOn(s, id);
    await c.workers.find((w) => w.id === victim)!.kill();
    await ws.waitForDone(id, 20_000);
    expect(finals(ws, id)).toEqual(['execution_restarted', 'execution_success']);
    expect(ws.messages.find((m) => m.type === 'execution_restarted')!.data.worker).not.toBe(victim);
    const history = (await s.getJson('/history')).body;
    expect(Object.keys(history)).toEqual([id]);
    expect(history[id].status.status_str).toBe('success');
    expect(history[id].outputs['2'].text).toEqual(['survivor: 1200']);
    await ws.close();
  }, 40_000);
});

describe('a randomized run with worker kills', () => {
  it('loses and duplicates nothing across 100 prompts', async () => {
    const c = await cluster(3);
    const s = c.server;
    const ws = await connectWs(s.url, { clientId: 'r' });
    let seed = 17;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    // Posted by 8 clients at once so a backlog builds (100 × ~60 ms over 3 workers ≈ 2 s of work) and the
    // kills land on busy workers.
    const ms = Array.from({ length: 100 }, () => 20 + Math.floor(rand() * 80));
    const ids: string[] = new Array(100);
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let i = next++; i < 100; i = next++) ids[i] = (await s.postJson('/prompt', { prompt: sleepPrompt(ms[i]!, `p${i}`, 2), client_id: 'r' })).body.prompt_id;
    }));
    for (let k = 0; k < 3; k++) {
      await new Promise((r) => setTimeout(r, 100 + rand() * 300));
      const alive = c.workers.filter((w) => w.proc.exitCode === null && w.proc.signalCode === null);
      await alive[Math.floor(rand() * alive.length)]!.kill();
      await c.spawnOne(`r${k}`);
    }
    for (const id of ids) expect((await s.waitForHistory(id, 30_000)).status.status_str).toBe('success');
    const history = (await s.getJson('/history')).body;
    expect(Object.keys(history).sort()).toEqual([...ids].sort());
    ids.forEach((id, i) => expect(history[id].outputs['2'].text[0]).toMatch(new RegExp(`^p${i}: `)));
    expect((await s.getJson('/queue')).body).toEqual({ queue_running: [], queue_pending: [] });
    for (const id of ids) expect(finals(ws, id).at(-1)).toBe('execution_success');
    // The first kill lands while the queue is busy: at least one prompt was really re-run elsewhere.
    expect(ws.messages.filter((m) => m.type === 'execution_restarted').length).toBeGreaterThan(0);
    await ws.close();
  }, 90_000);
});

describe('restarts', () => {
  it('a server restart loses nothing: results written meanwhile are picked up', async () => {
    const c = await cluster(2);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await c.server.postJson('/prompt', { prompt: sleepPrompt(150, `s${i}`, 2) })).body.prompt_id);
    await c.server.close();
    await new Promise((r) => setTimeout(r, 700)); // workers go on while no server listens
    const next = await startRedisTestServer(c.redis.url);
    c.setServer(next);
    const ws = await connectWs(next.url, { clientId: 'again' });
    expect(ws.messages[0]?.type ?? (await ws.waitFor((m) => m.type === 'status')).type).toBe('status');
    for (const id of ids) expect((await next.waitForHistory(id, 20_000)).status.status_str).toBe('success');
    expect(Object.keys((await next.getJson('/history')).body).sort()).toEqual([...ids].sort());
    await ws.close();
  }, 40_000);

  it('a Redis restart with AOF keeps the queue; while Redis is away new prompts get 503 at once and the server logs its retries', async () => {
    const c = await cluster(0, { aof: true });
    const s = c.server;
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await s.postJson('/prompt', { prompt: sleepPrompt(10, `a${i}`, 1) })).body.prompt_id);
    await c.redis.halt();
    const t0 = Date.now();
    const refused = await s.postJson('/prompt', { prompt: sleepPrompt(10, 'x', 1) });
    expect(refused.status).toBe(503);
    expect(refused.body.error.type).toBe('service_unavailable');
    expect(Date.now() - t0).toBeLessThan(6000);
    expect((await s.getJson('/queue')).status).toBe(503);
    await c.redis.restart();
    let pending: unknown[] = [];
    for (let i = 0; i < 100 && pending.length < 4; i++) {
      const q = await s.getJson('/queue');
      pending = q.status === 200 ? q.body.queue_pending : [];
      if (pending.length < 4) await new Promise((r) => setTimeout(r, 100));
    }
    expect(pending.map((t: any) => t[1]).sort()).toEqual([...ids].sort());
    await c.spawnOne('late');
    for (const id of ids) expect((await s.waitForHistory(id, 20_000)).status.status_str).toBe('success');
    expect((await s.postJson('/prompt', { prompt: sleepPrompt(10, 'after', 1) })).status).toBe(200);
    // The server said what happened, with the URL's redacted form.
    expect(c.logs.some((l) => /redis redis:\/\/127\.0\.0\.1:\d+\/0 \(server\): connection lost, retrying with backoff/.test(l))).toBe(true);
    expect(c.logs.some((l) => l.endsWith('(server): reconnected'))).toBe(true);
  }, 60_000);
});
