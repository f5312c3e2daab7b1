/**
 * A real `redis-server` for tests: a free loopback port, a temp dir (AOF on when asked), stopped by `stop()`.
 * `restart()` keeps the port and the dir (AOF replay); `kill()` is kill -9.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

export const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));

export interface TestRedis {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  restart(): Promise<void>;
  /** Stops the process (SIGTERM, or SIGKILL with `hard`) and waits for it to exit. */
  halt(hard?: boolean): Promise<void>;
  /** Stops it and removes the dir. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitReady(port: number, password?: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (Date.now() < end) {
    const r = new Redis({ port, host: '127.0.0.1', password, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => {});
    try {
      await r.connect();
      if ((await r.ping()) === 'PONG') return;
    } catch {
      // not up yet (or still loading the AOF)
    } finally {
      r.disconnect();
    }
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`redis-server on port ${port} did not start`);
}

export async function startRedis(options: { aof?: boolean; password?: string } = {}): Promise<TestRedis> {
  if (!REDIS_SERVER) throw new Error('redis-server is not installed (apt-get install redis-server)');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-redis-'));
  const port = await freePort();
  let proc: ChildProcess | null = null;
  const launch = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--logfile', path.join(dir, 'redis.log')];
    if (options.aof) args.push('--appendonly', 'yes', '--appendfsync', 'always');
    else args.push('--appendonly', 'no');
    if (options.password) args.push('--requirepass', options.password);
    proc = spawn(REDIS_SERVER!, args, { stdio: 'ignore' });
    await waitReady(port, options.password);
  };
  const halt = async (hard = false) => {
    const p = proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill(hard ? 'SIGKILL' : 'SIGTERM');
    await exited;
    proc = null;
  };
  await launch();
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return {
    port,
    dir,
    url: `redis://${auth}127.0.0.1:${port}/0`,
    async restart() {
      await halt();
      await launch();
    },
    halt,
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
