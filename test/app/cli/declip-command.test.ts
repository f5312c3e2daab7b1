/** `perceptgraph declip train` end to end on a tiny CLIP and a small synth set, plus its argument errors. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeclip } from '../../../models/store/weight-layout.js';
import { ensureTinyModels } from '../../../models/tiny/setup.js';
import { openSafetensors } from '../../../models/safetensors/read.js';
import { runDeclipCli } from '../../../app/cli/declip-command.js';
import { writeSynthSet, writeTestClip } from '../../models/declip/train/fixtures.js';

function captureIo(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), cwd }, out, err };
}

describe('runDeclipCli', () => {
  let dir: string;
  let dataFile: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-'));
    writeTestClip(path.join(dir, 'data', 'models', 'clip', 'tiny-clip-64'));
    dataFile = (await writeSynthSet(path.join(dir, 'set'), 40)).dataFile;
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('exits 2 with the usage on bad arguments', async () => {
    for (const args of [['train'], ['train', 'x.csv'], ['train', 'x.csv', '--clip', 'c', '--lr', 'fast'], ['fit']]) {
      const c = captureIo(dir);
      expect(await runDeclipCli(args, c.io)).toBe(2);
      expect(c.err.join('')).toMatch(/usage: perceptgraph declip train/);
    }
  });

  it('exits 1 naming the problem when the data file or the CLIP model is missing', async () => {
    const c = captureIo(dir);
    expect(await runDeclipCli(['train', 'missing.csv', '--clip', 'tiny-clip-64', '--data-dir', 'data'], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(/missing\.csv does not exist/);
    const d = captureIo(dir);
    expect(await runDeclipCli(['train', dataFile, '--clip', 'no-such-clip', '--data-dir', 'data'], d.io)).toBe(1);
    expect(d.err.join('')).toMatch(/no-such-clip/);
  });

  it('trains, logs each epoch against the zero-init baseline, writes a loadable file, and resumes', async () => {
    const common = ['train', dataFile, '--clip', 'tiny-clip-64', '--data-dir', 'data', '--out', 'out.safetensors',
      '--device', 'cpu', '--views', '2', '--hidden', '32', '--lr', '1e-3', '--batch', '16', '--val', '0.25', '--seed', '4'];
    const first = captureIo(dir);
    expect(await runDeclipCli([...common, '--epochs', '2'], first.io)).toBe(0);
    const log = first.out.join('');
    expect(log).toMatch(/data: 40 images used of 40 rows, 0 bad rows skipped; computed embeddings/);
    expect(log.match(/^epoch \d\/2 .*perceptual R@1 .*zero-init.*semantic R@1 .*zero-init/gm)).toHaveLength(2);
    const out = path.join(dir, 'out.safetensors');
    const entry = readDeclip(out, 'out.safetensors');
    expect(entry.ok && entry.manifest.embedDim === 64 && entry.manifest.hiddenDim === 32).toBe(true);

    const again = captureIo(dir);
    expect(await runDeclipCli([...common, '--epochs', '3', '--resume'], again.io)).toBe(0);
    expect(again.out.join('')).toMatch(/cached embeddings/);
    expect(again.out.join('').match(/^epoch /gm)).toHaveLength(1); // only epoch 3 ran
    const f = await openSafetensors(out);
    try {
      expect(JSON.parse(f.metadata.history!)).toHaveLength(3);
      expect(f.metadata.epochs_done).toBe('3');
    } finally {
      await f.close();
    }
  }, 60_000);

  it('trains on the default tiny CLIP (an HF .safetensors folder, by name) and on a bare .safetensors file by path', async () => {
    ensureTinyModels(path.join(dir, 'tiny-data', 'models'));
    const args = (clip: string, out: string) => ['train', dataFile, '--clip', clip, '--data-dir', 'tiny-data', '--out', out, '--device', 'cpu',
      '--views', '1', '--hidden', '16', '--batch', '16', '--val', '0.25', '--seed', '4', '--epochs', '1'];
    const byName = captureIo(dir);
    expect(await runDeclipCli(args('tiny-clip', 'tiny.safetensors'), byName.io), byName.err.join('')).toBe(0);
    expect(byName.out.join('')).toMatch(/data: 40 images used of 40 rows.*computed embeddings/);
    const entry = readDeclip(path.join(dir, 'tiny.safetensors'), 'tiny.safetensors');
    expect(entry.ok && entry.manifest.embedDim).toBe(64);

    const bare = path.join(dir, 'bare', 'clip', 'tiny-clip-h.safetensors'); // tokenizer: bare/tokenizers/<stem>/
    fs.mkdirSync(path.dirname(bare), { recursive: true });
    fs.copyFileSync(path.join(dir, 'tiny-data', 'models', 'clip', 'tiny-clip-h', 'model.safetensors'), bare);
    const tokenizer = path.join(dir, 'bare', 'tokenizers', 'tiny-clip-h');
    fs.mkdirSync(tokenizer, { recursive: true });
    for (const f of ['vocab.json', 'merges.txt']) fs.copyFileSync(path.join(dir, 'tiny-data', 'models', 'clip', 'tiny-clip', f), path.join(tokenizer, f));
    const byPath = captureIo(dir);
    // No config.json beside a bare file: heads come from the width (one head of 64), the run still works.
    expect(await runDeclipCli(args('bare/clip/tiny-clip-h.safetensors', 'bare.safetensors'), byPath.io), byPath.err.join('')).toBe(0);
    const h = readDeclip(path.join(dir, 'bare.safetensors'), 'bare.safetensors');
    expect(h.ok && h.manifest.embedDim).toBe(1024);
  }, 60_000);
});
