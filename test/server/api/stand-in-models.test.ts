/** `standInModelsOnly`: the `/system_stats` flag behind the editor's "tiny random models" warning, on real files. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { standInModelsOnly } from '../../../server/api/routes/system.js';

describe('standInModelsOnly', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const put = (rel: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), 'x');
  };
  const manifest = (files: string[]) => writeFileSync(path.join(dir, '.tiny-manifest.json'), JSON.stringify({ files: files.map((p) => ({ path: p, size: 1 })) }));

  it('is true when every model file is a listed stand-in (tokenizers aside), false otherwise', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pg-standin-'));
    expect(standInModelsOnly(dir)).toBe(false);
    put('clip/tiny-clip/model.onnx');
    expect(standInModelsOnly(dir)).toBe(false);
    manifest(['clip/tiny-clip/model.onnx']);
    expect(standInModelsOnly(dir)).toBe(true);
    put('tokenizers/extra/vocab.json');
    expect(standInModelsOnly(dir)).toBe(true);
    put('checkpoints/real.safetensors');
    expect(standInModelsOnly(dir)).toBe(false);
  });
});
