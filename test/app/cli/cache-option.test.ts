/**
 * `--cache-classic | --cache-lru N | --cache-none` for `serve` and `worker`: the parser, the usage errors (exit 2
 * before anything starts), and a real `serve` whose engine reports the mode it was given.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheOption, describeCache } from '../../../app/cli/cache-option.js';
import { UsageError } from '../../../app/cli/usage-error.js';
import { runPerceptgraph } from '../../support/cli.js';
import { REPO } from '../../support/workflows.js';

describe('cacheOption', () => {
  it('defaults to classic and reads each flag', () => {
    expect(cacheOption({})).toEqual({ mode: 'classic' });
    expect(cacheOption({ 'cache-classic': true })).toEqual({ mode: 'classic' });
    expect(cacheOption({ 'cache-lru': '12' })).toEqual({ mode: 'lru', size: 12 });
    expect(cacheOption({ 'cache-none': true })).toEqual({ mode: 'none' });
    // ComfyUI's default value of --cache-lru is 0, which means classic.
    expect(cacheOption({ 'cache-lru': '0' })).toEqual({ mode: 'classic' });
  });

  it('refuses two modes and an N that is not a whole number', () => {
    expect(() => cacheOption({ 'cache-none': true, 'cache-lru': '3' })).toThrow(UsageError);
    expect(() => cacheOption({ 'cache-classic': true, 'cache-none': true })).toThrow(/exclude each other/);
    for (const bad of ['', 'ten', '-1', '2.5', '1e3']) expect(() => cacheOption({ 'cache-lru': bad })).toThrow(/--cache-lru takes a whole number/);
  });
});

describe('describeCache', () => {
  it('names the mode and the LRU size', () => {
    expect(describeCache({ mode: 'lru', size: 8 })).toBe('lru (8 results)');
    expect(describeCache({ mode: 'none' })).toBe('none');
  });
});

describe('perceptgraph serve / worker cache flags', () => {
  it('exit 2 with the reason on bad cache flags', async () => {
    for (const args of [['serve', '--cache-none', '--cache-lru', '4'], ['worker', '--queue', 'redis://127.0.0.1:1', '--token', 't', '--cache-lru', 'x']]) {
      const r = await runPerceptgraph(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/--cache/);
    }
  });

  it('serve --cache-lru N gives its engine an LRU cache of N results', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'pg-cache-cli-'));
    const child = spawn(process.execPath, [path.join(REPO, 'bin/perceptgraph.mjs'), 'serve', '--port', '0', '--data-dir', root, '--device', 'cpu', '--cache-lru', '8'], { cwd: REPO });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 90_000);
        child.stdout.on('data', () => /listening on/.test(out) && (clearTimeout(timer), resolve()));
        child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
      });
      expect(out).toContain('node result cache: lru (8 results)');
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});
