/**
 * Pieces for Redis-backend tests: a test server on `redisBackend`, workers in this process or as child processes
 * (`redis-worker-main.ts`), all over the stub pack plus the core image nodes, each with its own data dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { coreNodes } from '../../nodes/core/index.js';
import { dataDirs, type DataDirs } from '../../server/data-dir.js';
import { Engine } from '../../server/engine/engine.js';
import { NodeRegistry } from '../../server/engine/registry.js';
import { redisBackend } from '../../server/queue/redis/redis-backend.js';
import { startRedisWorker, type RunningWorker } from '../../server/queue/redis/redis-worker.js';
import { stubNodes } from './stub-nodes.js';
import { defineNode } from '../../server/engine/node-definition.js';
import { int } from '../../server/engine/inputs.js';
import { INT } from '../../server/engine/socket-type.js';
import { startTestServer, type TestServer } from './test-server.js';
import { REPO } from './workflows.js';

/** Sends one binary step preview (PNG bytes 1..8) and one text line: the binary messages through Redis. */
export const StubPreview = defineNode({
  type: 'StubPreview',
  category: 'testing',
  inputs: { required: { n: int({ default: 1, min: 0, max: 100 }) } },
  outputs: [{ type: INT }],
  run(ctx, { n }) {
    ctx.progress(1, 2, { format: 'png', data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) });
    ctx.text(`text from ${ctx.nodeId}`);
    ctx.progress(2, 2);
    return { outputs: [n] };
  },
});

/** The nodes of the server and of every worker in these tests. */
export const CLUSTER_NODES = [...stubNodes, ...coreNodes, StubPreview];
export const TOKEN = 'test-worker-token';

/** A server whose queue is Redis at `url`. */
export function startRedisTestServer(url: string, options: { dataRoot?: string; pollMs?: number; logs?: string[] } = {}): Promise<TestServer> {
  return startTestServer({
    nodes: CLUSTER_NODES,
    dataRoot: options.dataRoot,
    backendFor: (dirs: DataDirs) => redisBackend({ url, token: TOKEN, dirs, pollMs: options.pollMs ?? 200, log: (m) => options.logs?.push(m) }),
  });
}

export interface LocalWorker extends RunningWorker {
  readonly dirs: DataDirs;
  readonly logs: string[];
}

/** A worker in this process with its own temp data dir (removed on close). */
export async function startLocalWorker(url: string, options: { token?: string; lockMs?: number; id?: string } = {}): Promise<LocalWorker> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pg-worker-'));
  const dirs = dataDirs(root);
  const logs: string[] = [];
  const engine = new Engine({ registry: new NodeRegistry(CLUSTER_NODES), services: { dirs } as never, log: (m) => logs.push(m) });
  const lock = options.lockMs ?? 30_000;
  try {
    const w = await startRedisWorker({
      url, token: options.token ?? TOKEN, engine, dirs, id: options.id,
      lockDurationMs: lock, stalledIntervalMs: Math.max(200, Math.floor(lock / 2)), heartbeatMs: 300,
      modelFolders: () => ({ checkpoints: [`model-of-${options.id ?? 'worker'}.safetensors`] }),
      log: (m) => logs.push(m),
    });
    return {
      ...w, dirs, logs,
      async close() {
        await w.close();
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
}

export interface ChildWorker {
  readonly id: string;
  readonly proc: ChildProcess;
  readonly stderr: string[];
  /** kill -9. */
  kill(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
}

/** A worker child process (real `startRedisWorker`, stub nodes); resolves once it takes prompts. */
export async function spawnWorker(url: string, options: { lockMs?: number; id: string }): Promise<ChildWorker> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pg-cworker-'));
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'test/support/redis-worker-main.ts')], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PG_REDIS_URL: url, PG_TOKEN: TOKEN, PG_DATA: root, PG_LOCK_MS: String(options.lockMs ?? 1000), PG_WORKER_ID: options.id },
  });
  const stderr: string[] = [];
  proc.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  void exited.then(() => rmSync(root, { recursive: true, force: true }));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`worker ${options.id} did not start: ${stderr.join('')}`)), 20_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready ')) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker ${options.id} exited with ${code}: ${stderr.join('')}`));
    });
  });
  return {
    id: options.id, proc, stderr,
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** A prompt that sleeps `ms` (in `steps` progress steps) and shows `label` (ids: 1 Sleep, 2 StubOutput). */
export function sleepPrompt(ms: number, label: string, steps = 4): Record<string, unknown> {
  return {
    '1': { class_type: 'Sleep', inputs: { ms, steps } },
    '2': { class_type: 'StubOutput', inputs: { value: ['1', 0], label } },
  };
}
