import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../../models/csv.js';
import { runI2tFilterCli } from '../../../models/i2t/filter-cli.js';

let dir: string;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), cwd: dir }, out, err };
}

const rich = 'tack-sharp, crisp, vibrant, saturated, high contrast, bright, well-exposed, clean';

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pg-'));
  await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } }).png().toFile(path.join(dir, 'a.png'));
  writeFileSync(path.join(dir, 'in.csv'), [
    'image,perceptual,semantic',
    `a.png,"${rich}",a cat`,
    'a.png,blurry,a dog',
    'gone.png,blurry,a hen',
    `a.png,"${rich}, grainy",a cow`,
  ].join('\n'));
});

describe('runI2tFilterCli', () => {
  it('writes the kept rows next to the input and prints counts and bad rows', async () => {
    const c = capture();
    expect(await runI2tFilterCli(['in.csv'], c.io)).toBe(0);
    const text = c.out.join('');
    expect(text).toMatch(/rows read: +4/);
    expect(text).toMatch(/bad rows: +1/);
    expect(text).toMatch(/row 4: image .*gone\.png does not exist/);
    expect(text).toMatch(/kept: +2/);
    expect(text).toMatch(/dropped: +1/);
    const written = parseCsv(readFileSync(path.join(dir, 'in.filtered.csv'), 'utf8')).records.map((r) => r.fields);
    expect(written).toEqual([
      ['image', 'perceptual', 'semantic'],
      ['a.png', rich, 'a cat'],
      ['a.png', `${rich}, grainy`, 'a cow'],
    ]);
  });

  it('honours --min-terms, --vocab, --out (other folder, JSONL) and --report', async () => {
    writeFileSync(path.join(dir, 'v.txt'), 'blurry\n');
    const c = capture();
    const code = await runI2tFilterCli(['in.csv', '-n', '1', '--vocab', 'v.txt', '-o', 'sub/out.jsonl', '--report', 'r.json'], c.io);
    expect(code).toBe(0);
    const lines = readFileSync(path.join(dir, 'sub', 'out.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // The image path is rewritten relative to the output's folder.
    expect(lines).toEqual([{ image: '../a.png', perceptual: 'blurry', semantic: 'a dog' }]);
    const report = JSON.parse(readFileSync(path.join(dir, 'r.json'), 'utf8'));
    expect(report).toMatchObject({ kept: 1, dropped: 2, minTerms: 1, vocabSize: 1, records: 4 });
    expect(report.badRows).toHaveLength(1);
  });

  it('returns 2 with usage on bad arguments and 1 on a missing input', async () => {
    const bad = capture();
    expect(await runI2tFilterCli(['in.csv', '--min-terms', 'x'], bad.io)).toBe(2);
    expect(bad.err.join('')).toMatch(/--min-terms must be an integer/);
    expect(await runI2tFilterCli([], capture().io)).toBe(2);
    const missing = capture();
    expect(await runI2tFilterCli(['nope.csv'], missing.io)).toBe(1);
    expect(missing.err.join('')).toMatch(/cannot read I&2T file .*nope\.csv/);
  });
});
