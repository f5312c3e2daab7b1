/** Crash-safe saves (issue 19): a final name only ever shows a whole file; faults and kill -9 leave nothing half-written. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeImage } from '../../../models/image/decode.js';
import { saveImageBatch } from '../../../models/image/save-images.js';
import { nextCounter } from '../../../models/image/save-path.js';
import { PARTIAL_DIR, nodeSaveFs, sweepPartialFiles, writeNewFile, type SaveFs } from '../../../models/image/write-new-file.js';
import { patternImage, tempDir } from './fixtures.js';

let root: string;
let cleanup: () => void;
beforeEach(() => ({ dir: root, cleanup } = tempDir()));
afterEach(() => cleanup());

/** Real fs whose writeFile stores only the first `keep` bytes and then fails with ENOSPC (a full disk). */
function fullDiskFs(keep: number): SaveFs {
  return {
    ...nodeSaveFs,
    async writeFile(file, data) {
      await fs.promises.writeFile(file, data.subarray(0, keep));
      throw Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), { code: 'ENOSPC' });
    },
  };
}

const finalFiles = (dir: string) => fs.readdirSync(dir).filter((f) => !f.startsWith('.'));

describe('writeNewFile', () => {
  it('publishes under the first free counter and never overwrites', async () => {
    fs.writeFileSync(path.join(root, 'a_00001_.png'), 'keep');
    const r = await writeNewFile({ root, folder: root, counter: 1, data: Buffer.from('new'), name: (c) => `a_${String(c).padStart(5, '0')}_.png` });
    expect(r).toEqual({ file: 'a_00002_.png', counter: 2 });
    expect(fs.readFileSync(path.join(root, 'a_00001_.png'), 'utf8')).toBe('keep');
    expect(fs.readdirSync(path.join(root, PARTIAL_DIR))).toEqual([]);
  });

  it('on a full disk throws ENOSPC and leaves no file under a final name, nor a staged one', async () => {
    const write = writeNewFile({ root, folder: root, counter: 1, data: Buffer.alloc(70_000, 1), name: () => 'x.png', fs: fullDiskFs(65_536) });
    await expect(write).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(finalFiles(root)).toEqual([]);
    expect(fs.readdirSync(path.join(root, PARTIAL_DIR))).toEqual([]);
  });
});

describe('saveImageBatch on a full disk', () => {
  it('fails with the disk error and shows no half-written PNG', async () => {
    const save = saveImageBatch(patternImage(1, 64, 64), { root, prefix: 'p', type: 'output', compressionLevel: 0, fs: fullDiskFs(100) });
    await expect(save).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(finalFiles(root)).toEqual([]);
  });
});

describe('sweepPartialFiles', () => {
  it('removes what an interrupted save left', () => {
    fs.mkdirSync(path.join(root, PARTIAL_DIR));
    fs.writeFileSync(path.join(root, PARTIAL_DIR, 'dead.tmp'), 'half');
    sweepPartialFiles(root);
    expect(fs.existsSync(path.join(root, PARTIAL_DIR))).toBe(false);
  });
});

describe('nextCounter memo', () => {
  it('sees files that others add or remove after our own saves', async () => {
    await saveImageBatch(patternImage(2, 1, 1), { root, prefix: 'c', type: 'output', compressionLevel: 0 });
    expect(nextCounter(root, 'c')).toBe(3);
    fs.writeFileSync(path.join(root, 'c_00041_.png'), '');
    expect(nextCounter(root, 'c')).toBe(42);
    const refs = await saveImageBatch(patternImage(1, 1, 1), { root, prefix: 'c', type: 'output', compressionLevel: 0 });
    expect(refs[0]!.filename).toBe('c_00042_.png');
    for (const f of fs.readdirSync(root)) fs.rmSync(path.join(root, f), { recursive: true });
    expect(nextCounter(root, 'c')).toBe(1);
  });
});

describe('kill -9 during saves', () => {
  it('every file under a final name is a whole PNG', async () => {
    // A child process saves 512×512 PNGs in a loop; it is killed once a few exist, mid-write at some point.
    const script = `
      import { saveImageBatch } from ${JSON.stringify(path.resolve('models/image/save-images.ts'))};
      const n = 512 * 512 * 3, data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = ((i * 7919) % 251) / 255;
      for (;;) await saveImageBatch({ data, dims: [1, 512, 512, 3] }, { root: ${JSON.stringify(root)}, prefix: 'k', type: 'output', compressionLevel: 0 });
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'ignore' });
    for (let i = 0; i < 400 && finalFiles(root).length < 4; i++) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const files = finalFiles(root);
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) expect((await decodeImage(fs.readFileSync(path.join(root, f)))).image.dims).toEqual([1, 512, 512, 3]);
  }, 30_000);
});
