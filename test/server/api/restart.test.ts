/**
 * Kill -9 a server with a prompt running and more pending; a new server on the same data dir runs the pending
 * ones (the killed running one again first), and earlier history and output files are still there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { stubNodes } from '../../support/stub-nodes.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { connectWs } from '../../support/ws-client.js';
import { WriteTextFile } from './fixtures/write-file-node.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = mkdtempSync(path.join(os.tmpdir(), 'pg-restart-'));
let child: ChildProcess | undefined;
let b: TestServer | undefined;

afterAll(async () => {
  child?.kill('SIGKILL');
  await b?.close();
  rmSync(root, { recursive: true, force: true });
});

function startChild(): Promise<string> {
  child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'fixtures', 'serve-child.ts'), root], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child!.once('exit', (code) => reject(new Error(`child server exited early (${code})`)));
    createInterface({ input: child!.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
  });
}

const writePrompt = (name: string) => ({ w: { class_type: 'TestWriteTextFile', inputs: { name, text: `hello ${name}` } } });

async function post(url: string, prompt: unknown): Promise<string> {
  const r = await fetch(`${url}/prompt`, { method: 'POST', body: JSON.stringify({ prompt, client_id: 'restart' }) });
  expect(r.status).toBe(200);
  return ((await r.json()) as { prompt_id: string }).prompt_id;
}

describe('restart persistence', () => {
  it('re-runs the killed prompt and the pending ones; history and outputs survive', async () => {
    const urlA = await startChild();
    const wsA = await connectWs(urlA, { clientId: 'restart' });
    const done = await post(urlA, writePrompt('before'));
    await wsA.waitForDone(done);
    const sleeper = await post(urlA, { s: { class_type: 'Sleep', inputs: { ms: 60_000, steps: 1000 } }, so: { class_type: 'StubOutput', inputs: { value: ['s', 0] } } });
    await wsA.waitFor((m) => m.type === 'progress' && m.data.prompt_id === sleeper);
    const p1 = await post(urlA, writePrompt('after1'));
    const p2 = await post(urlA, writePrompt('after2'));
    const exited = new Promise((r) => child!.once('exit', r));
    child!.kill('SIGKILL');
    await exited;
    child = undefined;
    await wsA.close().catch(() => {});

    b = await startTestServer({ nodes: [...stubNodes, WriteTextFile], dataRoot: root });
    const wsB = await connectWs(b.url, { clientId: 'restart' });
    const q = (await b.getJson('/queue')).body;
    const queued = [...q.queue_running, ...q.queue_pending].map((t: unknown[]) => t[1]);
    expect(queued.sort()).toEqual([sleeper, p1, p2].sort());
    expect(Object.keys((await b.getJson('/history')).body)).toEqual([done]);
    expect(existsSync(path.join(b.dirs.output, 'before.txt'))).toBe(true);
    expect(await (await fetch(`${b.url}/view?filename=before.txt`)).text()).toBe('hello before');

    await wsB.waitFor((m) => m.type === 'progress' && m.data.prompt_id === sleeper);
    await b.postJson('/interrupt', { prompt_id: sleeper });
    await wsB.waitForDone(p2);
    const history = (await b.getJson('/history')).body;
    expect(Object.keys(history)).toEqual([done, sleeper, p1, p2]);
    expect(history[p2].status.status_str).toBe('success');
    expect(history[p2].outputs.w.files[0].filename).toBe('after2.txt');
    expect(existsSync(path.join(b.dirs.output, 'after2.txt'))).toBe(true);
    await wsB.close();
  });
});

describe('RunningServer.close', () => {
  it('stops a running prompt without recording it, so the next server runs it again', async () => {
    const dataRoot = mkdtempSync(path.join(os.tmpdir(), 'pg-close-'));
    try {
      const c = await startTestServer({ nodes: stubNodes, dataRoot });
      const ws = await connectWs(c.url, { clientId: 'closer' });
      const id = (await c.postJson('/prompt', { prompt: { s: { class_type: 'Sleep', inputs: { ms: 60_000, steps: 1000 } }, so: { class_type: 'StubOutput', inputs: { value: ['s', 0] } } }, client_id: 'closer' })).body.prompt_id;
      await ws.waitFor((m) => m.type === 'progress' && m.data.prompt_id === id);
      await c.close();
      await ws.close();
      const d = await startTestServer({ nodes: stubNodes, dataRoot });
      try {
        expect((await d.getJson('/history')).body).toEqual({});
        const q = (await d.getJson('/queue')).body;
        expect([...q.queue_running, ...q.queue_pending].map((t: unknown[]) => t[1])).toEqual([id]);
        d.server.worker.interrupt(id);
      } finally {
        await d.close();
      }
    } finally {
      rmSync(dataRoot, { recursive: true, force: true });
    }
  });
});
