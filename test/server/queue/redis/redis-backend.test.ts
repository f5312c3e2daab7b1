/**
 * The Redis/BullMQ backend end to end with a real redis-server: a real server on `redisBackend`, real workers
 * (in this process, each with its own data dir), a real WS client. Files cross only through Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import sharp from 'sharp';
import { Queue } from 'bullmq';
import { jobData } from '../../../../server/queue/redis/job-data.js';
import { startLocalWorker, startRedisTestServer, sleepPrompt, type LocalWorker } from '../../../support/redis-cluster.js';
import { startRedis, type TestRedis } from '../../../support/redis-server.js';
import type { TestServer } from '../../../support/test-server.js';
import { connectWs } from '../../../support/ws-client.js';

let redis: TestRedis;
let s: TestServer;
const workers: LocalWorker[] = [];

beforeAll(async () => {
  redis = await startRedis();
  s = await startRedisTestServer(redis.url);
});

afterAll(async () => {
  for (const w of workers) await w.close();
  await s?.close();
  await redis?.stop();
});

async function upload(bytes: Buffer, filename: string): Promise<string> {
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(bytes)]), filename);
  const r = await fetch(`${s.url}/upload/image`, { method: 'POST', body: form });
  expect(r.status).toBe(200);
  return ((await r.json()) as { name: string }).name;
}

describe('queue state in Redis (no worker running)', () => {
  it('orders by number with front first, deletes and clears pending prompts', async () => {
    const ids: string[] = [];
    for (const [label, front] of [['a', false], ['b', false], ['c', true]] as const) {
      const r = await s.postJson('/prompt', { prompt: sleepPrompt(1, label), front });
      expect(r.status).toBe(200);
      ids.push(r.body.prompt_id);
    }
    const q = (await s.getJson('/queue')).body;
    expect(q.queue_running).toEqual([]);
    expect(q.queue_pending.map((t: unknown[]) => t[1])).toEqual([ids[2], ids[0], ids[1]]);
    expect(q.queue_pending[0][0]).toBeLessThan(0);
    expect((await s.getJson('/prompt')).body.exec_info.queue_remaining).toBe(3);
    const dup = await s.postJson('/prompt', { prompt: sleepPrompt(1, 'x'), prompt_id: ids[0] });
    expect(dup.status).toBe(400);
    expect((await s.postJson('/queue', { delete: [ids[0]] })).status).toBe(200);
    expect((await s.getJson('/queue')).body.queue_pending.map((t: unknown[]) => t[1])).toEqual([ids[2], ids[1]]);
    await s.postJson('/queue', { clear: true });
    expect((await s.getJson('/queue')).body.queue_pending).toEqual([]);
    expect((await s.getJson('/prompt')).body.exec_info.queue_remaining).toBe(0);
  });
});

describe('prompts run on workers', () => {
  beforeAll(async () => {
    workers.push(await startLocalWorker(redis.url, { id: 'w1' }), await startLocalWorker(redis.url, { id: 'w2' }));
  });

  it('delivers every message to the client in order, and history and /view answer from the server', async () => {
    const ws = await connectWs(s.url, { clientId: 'alice' });
    const png = await sharp(Buffer.alloc(4 * 3 * 3, 200), { raw: { width: 4, height: 3, channels: 3 } }).png().toBuffer();
    const name = await upload(png, 'in.png');
    const prompt = {
      '1': { class_type: 'LoadImage', inputs: { image: name } },
      '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'redis' } },
      '3': { class_type: 'Sleep', inputs: { ms: 40, steps: 4 } },
      '4': { class_type: 'StubOutput', inputs: { value: ['3', 0] } },
    };
    const r = await s.postJson('/prompt', { prompt, client_id: 'alice' });
    expect(r.status).toBe(200);
    const id = r.body.prompt_id as string;
    await ws.waitForDone(id, 20_000);
    const mine = ws.messages.filter((m) => m.data?.prompt_id === id).map((m) => m.type);
    expect(mine[0]).toBe('execution_start');
    expect(mine.filter((t) => t === 'progress')).toHaveLength(4);
    expect(mine).toContain('executed');
    // progress_state comes through Redis too: 4 nodes × (start + finish) + 4 progress updates of the Sleep.
    expect(mine.filter((t) => t === 'progress_state')).toHaveLength(12);
    expect(mine.slice(-2)).toEqual(['execution_success', 'executing']);
    const entry = (await s.getJson(`/history/${id}`)).body[id];
    expect(entry.status.status_str).toBe('success');
    const image = entry.outputs['2'].images[0];
    expect(image.type).toBe('output');
    const saved = await sharp(await s.view(image)).raw().toBuffer({ resolveWithObject: true });
    expect(saved.info).toMatchObject({ width: 4, height: 3 });
    expect(saved.data[0]).toBe(200);
    // The server holds the output; the worker that wrote it is another data dir.
    expect(existsSync(`${s.dirs.output}/${image.subfolder ? image.subfolder + '/' : ''}${image.filename}`)).toBe(true);
    expect(entry.status.messages.map((m: unknown[]) => m[0])).toEqual(['execution_start', 'execution_cached', 'execution_success']);
    await ws.close();
  });

  it('relays binary previews (type 4 with metadata) and text frames to the owner only', async () => {
    const owner = await connectWs(s.url, { clientId: 'carol', featureFlags: { supports_preview_metadata: true } });
    const other = await connectWs(s.url, { clientId: 'dave' });
    await owner.waitFor((m) => m.type === 'feature_flags');
    const prompt = { '1': { class_type: 'StubPreview', inputs: { n: 3 } }, '2': { class_type: 'StubOutput', inputs: { value: ['1', 0] } } };
    const r = await s.postJson('/prompt', { prompt, client_id: 'carol', extra_data: { preview_method: 'latent2rgb' } });
    const id = r.body.prompt_id as string;
    await owner.waitForDone(id, 20_000);
    const preview = owner.binary.find((b) => b.readUInt32BE(0) === 4)!;
    expect(preview).toBeDefined();
    const metaLen = preview.readUInt32BE(4);
    expect(JSON.parse(preview.subarray(8, 8 + metaLen).toString())).toMatchObject({ prompt_id: id, node_id: '1', image_type: 'image/png' });
    expect([...preview.subarray(8 + metaLen)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(owner.binary.some((b) => b.readUInt32BE(0) === 3 && b.includes(Buffer.from('text from 1')))).toBe(true);
    expect(owner.messages.filter((m) => m.type === 'progress' && m.data.prompt_id === id).map((m) => m.data.value)).toEqual([1, 2]);
    expect(other.binary).toEqual([]);
    expect(other.messages.some((m) => m.data?.prompt_id === id)).toBe(false);
    await owner.close();
    await other.close();
  });

  it('lists the workers in /system_stats and their models in /models', async () => {
    await new Promise((r) => setTimeout(r, 400));
    const stats = (await s.getJson('/system_stats')).body;
    expect(stats.devices.map((d: { worker_id: string }) => d.worker_id)).toEqual(['w1', 'w2']);
    expect(stats.devices[0]).toMatchObject({ alive: true, current_prompt: null });
    expect((await s.getJson('/models/checkpoints')).body).toEqual(['model-of-w1.safetensors', 'model-of-w2.safetensors']);
  });

  it('/interrupt reaches the worker running that prompt', async () => {
    const ws = await connectWs(s.url, { clientId: 'bob' });
    const r = await s.postJson('/prompt', { prompt: sleepPrompt(20_000, 'long', 200), client_id: 'bob' });
    const id = r.body.prompt_id as string;
    await ws.waitFor((m) => m.type === 'progress' && m.data.prompt_id === id, { timeoutMs: 10_000 });
    const stats = (await s.getJson('/system_stats')).body;
    await new Promise((res) => setTimeout(res, 400));
    expect(stats.devices.length).toBe(2);
    await s.postJson('/interrupt', { prompt_id: id });
    await ws.waitFor((m) => m.type === 'execution_interrupted' && m.data.prompt_id === id, { timeoutMs: 5000 });
    const entry = await s.waitForHistory(id, 5000);
    expect(entry.status).toMatchObject({ status_str: 'error', completed: false });
    await ws.close();
  });

  it('spreads a burst over the workers and records each prompt once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await s.postJson('/prompt', { prompt: sleepPrompt(30, `n${i}`, 1) })).body.prompt_id);
    for (const id of ids) expect((await s.waitForHistory(id, 20_000)).status.status_str).toBe('success');
    const history = (await s.getJson('/history')).body;
    for (const id of ids) expect(history[id]).toBeDefined();
    expect((await s.getJson('/prompt')).body.exec_info.queue_remaining).toBe(0);
  });
});

describe('refusals', () => {
  it('a job not signed with the token is refused by the workers and recorded as an error', async () => {
    const queue = new Queue('prompts', { connection: { host: '127.0.0.1', port: redis.port }, prefix: 'pg:bull' });
    const entry = { number: 1, promptId: 'forged', prompt: sleepPrompt(1, 'x') as never, extraData: {}, outputs: ['2'] };
    await queue.add('prompt', jobData(entry, [], 'not-the-token'), { jobId: 'p-forged' });
    await queue.close();
    const record = await s.waitForHistory('forged', 10_000);
    expect(record.status.status_str).toBe('error');
    expect(record.status.messages[0][1].exception_message).toMatch(/not signed with the server token/);
    expect(workers.every((w) => w.logs.every((l) => !l.includes('re-run')))).toBe(true);
  });

  it('a worker with another token refuses to start', async () => {
    await expect(startLocalWorker(redis.url, { token: 'wrong' })).rejects.toThrow(/token does not match/);
  });
});
