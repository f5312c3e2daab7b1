import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureGraphFile, writeGraphFile } from '../../../models/declip/graph-file.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('writeGraphFile', () => {
  it('names the file by its bytes, writes it once and leaves no temp file', () => {
    const a = writeGraphFile(path.join(dir, 'sub'), 'g', Uint8Array.of(1, 2, 3));
    expect(path.basename(a)).toMatch(/^g-[0-9a-f]{24}\.onnx$/);
    expect([...fs.readFileSync(a)]).toEqual([1, 2, 3]);
    expect(writeGraphFile(path.join(dir, 'sub'), 'g', Uint8Array.of(1, 2, 3))).toBe(a);
    expect(writeGraphFile(path.join(dir, 'sub'), 'g', Uint8Array.of(1, 2, 4))).not.toBe(a);
    expect(fs.readdirSync(path.join(dir, 'sub')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('ensureGraphFile', () => {
  it('builds only when the file named by the key is missing', () => {
    let builds = 0;
    const build = () => (builds++, Uint8Array.of(9));
    const file = ensureGraphFile({ dir, prefix: 'k', key: 'identity-1', build });
    expect(ensureGraphFile({ dir, prefix: 'k', key: 'identity-1', build })).toBe(file);
    expect(builds).toBe(1);
    expect(ensureGraphFile({ dir, prefix: 'k', key: 'identity-2', build })).not.toBe(file);
    expect(builds).toBe(2);
  });
});
