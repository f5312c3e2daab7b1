/** Issue 19: lookups by name see own keys only; start-up empties temp/ and drops interrupted saves/uploads. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PARTIAL_DIR } from '../../../models/image/write-new-file.js';
import { stubNodes } from '../../support/stub-nodes.js';
import { startTestServer } from '../../support/test-server.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

describe('lookups by name', () => {
  it('/models/{constructor,__proto__} → 404, /object_info/__proto__ → {} (an unknown class, as ComfyUI)', async () => {
    const s = await startTestServer({ nodes: stubNodes, modelFolders: () => ({ checkpoints: ['a.safetensors'] }) });
    try {
      expect((await s.getJson('/models/checkpoints')).body).toEqual(['a.safetensors']);
      for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
        expect((await s.getJson(`/models/${name}`)).status).toBe(404);
        expect(await s.getJson(`/object_info/${name}`)).toEqual({ status: 200, body: {} });
      }
    } finally {
      await s.close();
    }
  });
});

describe('start-up sweep', () => {
  it('empties temp/ and removes .partial/ under input and output, keeping finished files', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-sweep-'));
    roots.push(root);
    for (const [rel, text] of [
      ['temp/preview_00001_.png', 'old preview'],
      ['temp/.uploads/upload-dead', 'half an upload'],
      [`output/${PARTIAL_DIR}/x.tmp`, 'half a save'],
      [`input/${PARTIAL_DIR}/upload-y.tmp`, 'half a copy'],
      ['output/keep_00001_.png', 'finished'],
    ]) {
      fs.mkdirSync(path.dirname(path.join(root, rel!)), { recursive: true });
      fs.writeFileSync(path.join(root, rel!), text!);
    }
    const s = await startTestServer({ nodes: stubNodes, dataRoot: root });
    await s.close();
    expect(fs.readdirSync(path.join(root, 'temp'))).toEqual([]);
    expect(fs.existsSync(path.join(root, 'output', PARTIAL_DIR))).toBe(false);
    expect(fs.existsSync(path.join(root, 'input', PARTIAL_DIR))).toBe(false);
    expect(fs.readFileSync(path.join(root, 'output/keep_00001_.png'), 'utf8')).toBe('finished');
    expect(s.logs.some((l) => /temp: removed 2 entries/.test(l))).toBe(true);
  });
});
