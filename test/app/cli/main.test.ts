/** The `perceptgraph` dispatcher: help, usage exit codes and `--data-dir` on every command, via the real binary. */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const bin = path.resolve('bin/perceptgraph.mjs');
const exec = promisify(execFile);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pg-main-'));

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [bin, ...args], { timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** Every command and subcommand a user can type. */
const COMMANDS = [['serve'], ['run'], ['setup'], ['iqa', 'eval'], ['i2t', 'filter'], ['i2t', 'synth'], ['declip', 'train']];

describe('perceptgraph --help', () => {
  it('lists each command with one line of what it does, exit 0', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const name of ['serve', 'run', 'setup', 'iqa', 'i2t', 'declip']) expect(r.stdout).toMatch(new RegExp(`^  ${name} +\\S.{10,}$`, 'm'));
  });

  it('exits 0 for every command group and command, each accepting --data-dir', async () => {
    for (const group of ['iqa', 'i2t', 'declip']) expect((await cli([group, '--help'])).code, group).toBe(0);
    for (const c of COMMANDS) {
      const r = await cli([...c, '--data-dir', dataDir, '--help']);
      expect(r.code, `${c.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain('usage: perceptgraph');
      expect(r.stdout, c.join(' ')).toContain('--data-dir');
    }
  });
});

describe('perceptgraph usage errors', () => {
  it.each([
    [['serve', '--port', '99999'], /--port must be 0\.\.65535/],
    [['serve', '--bogus'], /Unknown option '--bogus'/],
    [['serve', '--device', 'tpu'], /--device/],
    [['setup', '--bogus'], /Unknown option/],
    [['iqa', 'eval', '--images', '.', '--labels', 'x.csv', '--batch-size', '0'], /--batch-size/],
    [['frobnicate'], /unknown command/],
    [[], /usage: perceptgraph/],
  ])('%j exits 2', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
