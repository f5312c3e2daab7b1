import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { readI2tDataset } from '../../../models/i2t/dataset.js';

let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pg-'));
  mkdirSync(path.join(dir, 'img'));
  const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#808080' } }).png().toBuffer();
  writeFileSync(path.join(dir, 'img', 'a.png'), png);
  writeFileSync(path.join(dir, 'img', 'b.png'), png);
  writeFileSync(path.join(dir, 'img', 'broken.jpg'), 'not an image at all');
});

describe('readI2tDataset', () => {
  it('reads CSV rows, resolving images relative to the file and reporting bad rows with line numbers', async () => {
    const file = path.join(dir, 'data.csv');
    writeFileSync(file, [
      'id,image,perceptual,semantic', // 1
      '1,img/a.png,"sharp, vivid",a cat', // 2 ok
      '2,img/missing.png,blurry,a dog', // 3 missing image
      '3,img/b.png,  ,a bird', // 4 empty perceptual
      '4,img/broken.jpg,noisy,a fish', // 5 undecodable
      '5,img/b.png,"multi', 'line",a cow', // 6-7 ok (quoted newline)
      '6,,grainy,a hen', // 8 empty image
    ].join('\n'));
    const r = await readI2tDataset(file);
    expect(r.format).toBe('csv');
    expect(r.records).toBe(6); // 8 lines, minus the header, with lines 6–7 one quoted record
    expect(r.rows.map((x) => [x.row, x.imagePath, x.perceptual])).toEqual([
      [2, path.join(dir, 'img', 'a.png'), 'sharp, vivid'],
      [6, path.join(dir, 'img', 'b.png'), 'multi\nline'],
    ]);
    expect(r.problems.map((p) => [p.row, p.code])).toEqual([
      [3, 'missing_image'],
      [4, 'empty_text'],
      [5, 'undecodable_image'],
      [8, 'missing_image'],
    ]);
    expect(r.problems[1]!.message).toMatch(/row 4: empty perceptual/);
  });

  it('reads JSONL and reports bad JSON, non-objects and missing fields', async () => {
    const file = path.join(dir, 'data.jsonl');
    writeFileSync(file, [
      JSON.stringify({ image: 'img/a.png', perceptual: 'crisp', semantic: 'a cat' }),
      '{not json',
      '',
      '[1,2]',
      JSON.stringify({ image: 'img/b.png', perceptual: 'soft' }),
      JSON.stringify({ image: 'img/b.png', perceptual: 'soft', semantic: 7 }),
    ].join('\r\n'));
    const r = await readI2tDataset(file);
    expect(r.format).toBe('jsonl');
    expect(r.records).toBe(5);
    expect(r.rows.map((x) => x.row)).toEqual([1]);
    expect(r.problems.map((p) => [p.row, p.code])).toEqual([
      [2, 'bad_json'],
      [4, 'bad_json'],
      [5, 'missing_field'],
      [6, 'missing_field'],
    ]);
  });

  it("skips image decoding with checkImages 'exists' and all checks with 'none'", async () => {
    const file = path.join(dir, 'two.jsonl');
    writeFileSync(file, [
      JSON.stringify({ image: 'img/broken.jpg', perceptual: 'p', semantic: 's' }),
      JSON.stringify({ image: 'img/nope.png', perceptual: 'p', semantic: 's' }),
    ].join('\n'));
    expect((await readI2tDataset(file, { checkImages: 'exists' })).rows).toHaveLength(1);
    expect((await readI2tDataset(file, { checkImages: 'none' })).rows).toHaveLength(2);
  });

  it('throws naming the file and columns for a CSV header without the I&2T columns', async () => {
    const file = path.join(dir, 'bad.csv');
    writeFileSync(file, 'image,text\nx.png,hello\n');
    await expect(readI2tDataset(file)).rejects.toThrow(/bad\.csv.*lacks column\(s\) perceptual, semantic/);
  });
});
