/** One server per data directory (issue 19): the second refuses and names the holder; a dead holder's lock is taken over. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StateLockedError, lockStateDir } from '../../server/state-lock.js';
import { stubNodes } from '../support/stub-nodes.js';
import { startTestServer } from '../support/test-server.js';

const roots: string[] = [];
const tempRoot = () => {
  const r = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-lock-'));
  roots.push(r);
  return r;
};
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

describe('lockStateDir', () => {
  it('refuses while another live process holds the lock, naming its pid', async () => {
    const dir = tempRoot();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(path.join(dir, 'server.lock'), JSON.stringify({ pid: child.pid, host: os.hostname(), started: '' }));
      expect(() => lockStateDir(dir)).toThrow(StateLockedError);
      expect(() => lockStateDir(dir)).toThrow(new RegExp(`in use by another perceptgraph server \\(pid ${child.pid} `));
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    // The holder is gone (kill -9 leaves the file): the lock is taken over.
    const lock = lockStateDir(dir);
    expect(JSON.parse(fs.readFileSync(lock.file, 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(fs.existsSync(lock.file)).toBe(false);
  });
});

describe('two servers on one data directory', () => {
  it('the second refuses to start; after the first closes, a new one starts', async () => {
    const root = tempRoot();
    const first = await startTestServer({ nodes: stubNodes, dataRoot: root });
    await expect(startTestServer({ nodes: stubNodes, dataRoot: root })).rejects.toThrow(new RegExp(`pid ${process.pid}`));
    await first.close({ keepData: true });
    const second = await startTestServer({ nodes: stubNodes, dataRoot: root });
    await second.close({ keepData: true });
  });
});
