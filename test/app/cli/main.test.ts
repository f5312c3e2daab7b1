/** The `perceptgraph` dispatcher: help, usage exit codes and `--data-dir` on every command, via the real binary. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runPerceptgraph } from '../../support/cli.js';
import { describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pg-main-'));

const cli = (args: string[]) => runPerceptgraph(args);

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
