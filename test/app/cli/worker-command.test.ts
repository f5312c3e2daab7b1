/**
 * `perceptgraph serve --queue` and `perceptgraph worker` as real processes on a real redis-server: an uploaded
 * image goes to the worker through Redis, the worker's SaveImage output comes back to the server's /view; the
 * password in the URL never shows; Redis unreachable at start is a clear error with exit 1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startRedis, type TestRedis } from '../../support/redis-server.js';
import { REPO } from '../../support/workflows.js';

const BIN = path.join(REPO, 'bin/perceptgraph.mjs');
const PASSWORD = 'pa55-w0rd';
const TOKEN = 'cli-token';
const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

interface Proc {
  readonly out: () => string;
  readonly exited: Promise<number | null>;
  readonly proc: ChildProcess;
}

function cli(args: string[]): Proc {
  const proc = spawn(process.execPath, [BIN, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  cleanup.push(async () => {
    if (proc.exitCode === null) proc.kill('SIGTERM');
    await exited;
  });
  return { out: () => out, exited, proc };
}

async function waitForText(p: Proc, text: string | RegExp, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (typeof text === 'string' ? p.out().includes(text) : text.test(p.out())) return;
    if (p.proc.exitCode !== null) throw new Error(`exited early: ${p.out()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no "${text}" in: ${p.out()}`);
}

const tempDir = (prefix: string) => {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanup.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
};

describe('perceptgraph worker', () => {
  it('runs an uploaded image through a worker process and the server serves the output', async () => {
    const redis: TestRedis = await startRedis({ password: PASSWORD });
    cleanup.push(() => redis.stop());
    const port = await freePort();
    const server = cli(['serve', '--port', String(port), '--data-dir', tempDir('pg-cli-s-'), '--device', 'cpu', '--queue', redis.url, '--auth-token', TOKEN]);
    const worker = cli(['worker', '--queue', redis.url, '--token', TOKEN, '--data-dir', tempDir('pg-cli-w-'), '--device', 'cpu', '--id', 'gpu0']);
    await waitForText(server, 'listening on');
    await waitForText(worker, 'taking prompts');
    const url = `http://127.0.0.1:${port}`;
    const auth = { Authorization: `Bearer ${TOKEN}` };
    const png = await sharp(Buffer.alloc(5 * 2 * 3, 77), { raw: { width: 5, height: 2, channels: 3 } }).png().toBuffer();
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(png)]), 'cli-in.png');
    const up = await fetch(`${url}/upload/image`, { method: 'POST', body: form, headers: auth });
    expect(up.status).toBe(200);
    const prompt = {
      '1': { class_type: 'LoadImage', inputs: { image: 'cli-in.png' } },
      '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'cli' } },
    };
    const r = await fetch(`${url}/prompt`, { method: 'POST', body: JSON.stringify({ prompt }), headers: auth });
    expect(r.status).toBe(200);
    const id = ((await r.json()) as { prompt_id: string }).prompt_id;
    let entry: any;
    for (let i = 0; i < 600 && !entry?.status?.completed; i++) {
      entry = ((await (await fetch(`${url}/history/${id}`, { headers: auth })).json()) as Record<string, any>)[id];
      if (entry?.status?.status_str === 'error') throw new Error(JSON.stringify(entry.status));
      await new Promise((res) => setTimeout(res, 50));
    }
    const image = entry.outputs['2'].images[0];
    const view = await fetch(`${url}/view?${new URLSearchParams(image)}`, { headers: auth });
    const raw = await sharp(Buffer.from(await view.arrayBuffer())).raw().toBuffer({ resolveWithObject: true });
    expect(raw.info).toMatchObject({ width: 5, height: 2 });
    expect(raw.data[0]).toBe(77);
    // The server re-reads worker heartbeats once a second (redis-backend `pollMs`), so a worker that took and
    // finished its prompt between two reads shows up on the next one.
    let workerIds: string[] = [];
    for (let i = 0; i < 100 && workerIds.length === 0; i++) {
      if (i > 0) await new Promise((res) => setTimeout(res, 100));
      const stats = (await (await fetch(`${url}/system_stats`, { headers: auth })).json()) as { devices: { worker_id?: string }[] };
      workerIds = stats.devices.flatMap((d) => (d.worker_id ? [d.worker_id] : []));
    }
    expect(workerIds).toEqual(['gpu0']);
    expect(server.out()).toContain('redis://:***@127.0.0.1');
    for (const p of [server, worker]) expect(p.out()).not.toContain(PASSWORD);
  }, 120_000);

  it('says clearly when Redis is unreachable and exits 1, without the password', async () => {
    const port = await freePort();
    const w = cli(['worker', '--queue', `redis://:${PASSWORD}@127.0.0.1:${port}/0`, '--token', TOKEN, '--data-dir', tempDir('pg-cli-u-'), '--device', 'cpu']);
    expect(await w.exited).toBe(1);
    expect(w.out()).toMatch(/cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0: connect ECONNREFUSED/);
    expect(w.out()).not.toContain(PASSWORD);
  }, 60_000);

  it('refuses --queue without a worker token (usage, exit 2)', async () => {
    const s = cli(['serve', '--port', '0', '--data-dir', tempDir('pg-cli-t-'), '--queue', 'redis://127.0.0.1:1/0']);
    expect(await s.exited).toBe(2);
    expect(s.out()).toContain('--worker-token');
  }, 60_000);
});
