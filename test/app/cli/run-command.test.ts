import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const bin = path.resolve('bin/perceptgraph.mjs');
const exec = promisify(execFile);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [bin, ...args], { timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('perceptgraph run', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-cli-'));
  const dataDir = path.join(dir, 'data');

  it('exits non-zero and prints the validation errors of an invalid workflow', async () => {
    const file = path.join(dir, 'invalid.json');
    writeFileSync(file, JSON.stringify({ '1': { class_type: 'ImageScale', inputs: { upscale_method: 'sideways', width: 8, height: 8, crop: 'disabled' } }, '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'x' } } }));
    const r = await cli(['run', file, '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Prompt outputs failed validation');
    expect(r.stderr).toMatch(/node 1 \(ImageScale\): Required input is missing: image/);
    expect(r.stderr).toMatch(/node 1 \(ImageScale\): Value not in list: upscale_method: 'sideways'/);
  });

  it('reports unknown node types and malformed JSON', async () => {
    const unknown = path.join(dir, 'unknown.json');
    writeFileSync(unknown, JSON.stringify({ '1': { class_type: 'NoSuchNode', inputs: {} } }));
    const r1 = await cli(['run', unknown, '--data-dir', dataDir]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain('Cannot execute because node NoSuchNode does not exist.');
    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, '{"1": {');
    const r2 = await cli(['run', broken, '--data-dir', dataDir]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('cannot read workflow');
  });

  it('rejects unknown commands and bad options with a usage message', async () => {
    const r1 = await cli(['frobnicate']);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain('unknown command "frobnicate"');
    const r2 = await cli(['serve', '--port', 'abc', '--data-dir', dataDir]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('--port must be 0..65535');
  });
});
