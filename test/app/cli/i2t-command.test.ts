/** `perceptgraph i2t filter|synth` through the CLI wrapper, on real files in a temp dir. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runI2tCli } from '../../../app/cli/i2t-command.js';

function captureIo(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), cwd }, out, err };
}

describe('runI2tCli', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('rejects a missing or unknown subcommand with exit code 2 and the usage', async () => {
    for (const args of [[], ['frobnicate']]) {
      const c = captureIo(dir);
      expect(await runI2tCli(args, c.io)).toBe(2);
      expect(c.err.join('')).toMatch(/subcommand[\s\S]*usage: perceptgraph i2t/);
    }
  });

  it('synth writes a set that filter then reads, keeping every row', async () => {
    const synth = captureIo(dir);
    expect(await runI2tCli(['synth', '--out', 'set', '--count', '12', '--seed', '3'], synth.io)).toBe(0);
    expect(fs.existsSync(path.join(dir, 'set', 'i2t.csv'))).toBe(true);
    const filter = captureIo(dir);
    expect(await runI2tCli(['filter', 'set/i2t.csv', '--out', 'set/kept.csv'], filter.io)).toBe(0);
    expect(filter.out.join('')).toMatch(/kept:\s+12/);
    expect(fs.readFileSync(path.join(dir, 'set', 'kept.csv'), 'utf8').trim().split('\n')).toHaveLength(13);
  });

  it('fails with a message and exit code 1 on a missing input file', async () => {
    const c = captureIo(dir);
    expect(await runI2tCli(['filter', 'nope.csv'], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(/nope\.csv/);
  });
});
