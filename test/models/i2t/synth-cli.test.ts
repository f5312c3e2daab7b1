import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runI2tSynthCli } from '../../../models/i2t/synth-cli.js';

function capture(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), cwd }, out, err };
}

describe('runI2tSynthCli', () => {
  it('generates the set into --out, relative to cwd', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-'));
    const c = capture(dir);
    expect(await runI2tSynthCli(['--out', 'set', '-n', '5', '--size', '32', '--seed', '4', '--format', 'jsonl'], c.io)).toBe(0);
    expect(existsSync(path.join(dir, 'set', 'i2t.jsonl'))).toBe(true);
    expect(existsSync(path.join(dir, 'set', 'factors.json'))).toBe(true);
    expect(existsSync(path.join(dir, 'set', 'images', 'img_00004.jpg'))).toBe(true);
    expect(c.out.join('')).toMatch(/wrote 5 images \(32×32, seed 4\)/);
  });

  it('writes the controlled factor set with --factor-set controlled', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-'));
    const c = capture(dir);
    expect(await runI2tSynthCli(['--out', 'set', '-n', '4', '--size', '32', '--factor-set', 'controlled'], c.io)).toBe(0);
    const factors = JSON.parse(readFileSync(path.join(dir, 'set', 'factors.json'), 'utf8'));
    expect(JSON.stringify(factors)).toContain('controlled');
  });

  it('writes into <data dir>/output/i2t-synth without --out', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-'));
    const c = capture(dir);
    expect(await runI2tSynthCli(['--data-dir', 'd', '-n', '2', '--size', '16'], c.io)).toBe(0);
    expect(existsSync(path.join(dir, 'd', 'output', 'i2t-synth', 'images', 'img_00001.jpg'))).toBe(true);
  });

  it('returns 2 with a reason for bad arguments', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-'));
    for (const [args, reason] of [
      [['-o', 'x', '-n', '0'], /--count must be/],
      [['-o', 'x', '--format', 'xml'], /--format must be csv or jsonl/],
      [['-o', 'x', '--bogus'], /Unknown option/],
      [['-o', 'x', '--factor-set', 'wild'], /--factor-set must be one of default, controlled/],
    ] as const) {
      const c = capture(dir);
      expect(await runI2tSynthCli(args, c.io)).toBe(2);
      expect(c.err.join('')).toMatch(reason);
    }
  });
});
