/** `perceptgraph serve` token sources (issue 19): file and env keep it off the command line; --auth-token is hidden from it. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../../support/workflows.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

/** Starts `serve` on a free port; resolves with its URL once it listens. */
async function serve(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-serve-'));
  roots.push(root);
  const child = spawn(process.execPath, [path.join(REPO, 'bin/perceptgraph.mjs'), 'serve', '--port', '0', '--data-dir', root, '--device', 'cpu', ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 60_000);
    const check = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) (clearTimeout(timer), resolve(m[1]!));
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
  return { child, url, output: () => out };
}

async function stop(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

describe('serve --auth-token sources', () => {
  it('--auth-token works but disappears from /proc/PID/cmdline and /system_stats, with a warning', async () => {
    const { child, url, output } = await serve(['--auth-token', 'tok-abcdef123456']);
    try {
      expect(fs.readFileSync(`/proc/${child.pid}/cmdline`, 'utf8')).not.toContain('tok-abcdef123456');
      expect((await fetch(`${url}/queue`)).status).toBe(401);
      const stats = await fetch(`${url}/system_stats`, { headers: { Authorization: 'Bearer tok-abcdef123456' } });
      expect(stats.status).toBe(200);
      expect(await stats.text()).not.toContain('tok-abcdef123456');
      expect(output()).toMatch(/prefer PERCEPTGRAPH_AUTH_TOKEN or --auth-token-file/);
    } finally {
      await stop(child);
    }
  }, 90_000);

  it('reads the token from a file or from PERCEPTGRAPH_AUTH_TOKEN', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pg-tok-')), 'token');
    roots.push(path.dirname(file));
    fs.writeFileSync(file, 'from-file-token\n');
    const a = await serve(['--auth-token-file', file]);
    try {
      expect((await fetch(`${a.url}/queue`, { headers: { Authorization: 'Bearer from-file-token' } })).status).toBe(200);
      expect((await fetch(`${a.url}/queue`)).status).toBe(401);
    } finally {
      await stop(a.child);
    }
    const b = await serve([], { PERCEPTGRAPH_AUTH_TOKEN: 'from-env-token' });
    try {
      expect((await fetch(`${b.url}/queue`, { headers: { Authorization: 'Bearer from-env-token' } })).status).toBe(200);
      expect((await fetch(`${b.url}/queue`)).status).toBe(401);
    } finally {
      await stop(b.child);
    }
  }, 120_000);
});
