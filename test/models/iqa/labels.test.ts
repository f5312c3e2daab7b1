import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIqaLabels, readIqaLabels } from '../../../models/iqa/labels.js';

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'pg-'));
}

describe('parseIqaLabels', () => {
  it('reads KonIQ-10k rows by auto-detecting the header', () => {
    const text = 'image_name,c1,c2,c3,c4,c5,c_total,MOS,SD,set\n' +
      '10004473376.jpg,0,0,25,73,7,105,77.38,0.49,training\n' +
      '10007357496.jpg,0,3,45,47,1,96,68.29,0.58,test\n';
    const r = parseIqaLabels(text);
    expect(r.format.id).toBe('koniq10k');
    expect(r.rows).toEqual([
      { row: 2, image: '10004473376.jpg', mos: 77.38 },
      { row: 3, image: '10007357496.jpg', mos: 68.29 },
    ]);
    expect(r.problems).toEqual([]);
  });

  it('reads KADID (dist_img, dmos), AGIQA-3K and SPAQ headers', () => {
    expect(parseIqaLabels('dist_img,ref_img,dmos,var\nI01_01_01.png,I01.png,4.57,0.496\n').rows[0])
      .toMatchObject({ image: 'I01_01_01.png', mos: 4.57 });
    expect(parseIqaLabels('name,prompt,adj1,adj2,style,mos_quality,std_quality,mos_align,std_align\n' +
      'AttnGAN_normal_000.jpg,"a cat, sitting",,,baroque,1.05,0.4,2.0,0.5\n').rows[0]).toMatchObject({ mos: 1.05 });
    const spaq = parseIqaLabels('Image name,MOS,Brightness\n00001.png,42.7,50\n');
    expect([spaq.format.id, spaq.rows[0]!.image]).toEqual(['spaq', '00001.png']);
  });

  it('reads header-less TID2013 and LIQE layouts', () => {
    const tid = parseIqaLabels('5.51429 i01_01_1.bmp\n5.56757 i01_01_2.bmp\n');
    expect(tid.format.id).toBe('tid2013');
    expect(tid.rows[1]).toEqual({ row: 2, image: 'i01_01_2.bmp', mos: 5.56757 });
    const liqe = parseIqaLabels('a/b.bmp\t61.2\t5.1\n', { format: 'liqe' });
    expect(liqe.rows[0]).toMatchObject({ image: 'a/b.bmp', mos: 61.2 });
  });

  it('takes column overrides by name or index', () => {
    const text = 'file;quality\nx.png;3\n';
    expect(parseIqaLabels(text, { imageColumn: 'file', mosColumn: 'quality' }).rows[0]).toMatchObject({ image: 'x.png', mos: 3 });
    expect(parseIqaLabels('x.png\t1\t7\n', { format: 'liqe', mosColumn: 2 }).rows[0]).toMatchObject({ mos: 7 });
  });

  it('reports non-numeric MOS, duplicates, empty names and short rows with their line numbers', () => {
    const text = 'image,mos\n' + // 1
      'a.jpg,3.5\n' + // 2 ok
      'b.jpg,n/a\n' + // 3 non-numeric
      'a.jpg,4\n' + // 4 duplicate of row 2
      ',2\n' + // 5 empty name
      'c.jpg\n' + // 6 short
      'd.jpg,\n' + // 7 empty MOS
      'e.jpg,1e1\n'; // 8 ok
    const r = parseIqaLabels(text);
    expect(r.rows.map((x) => [x.row, x.image, x.mos])).toEqual([[2, 'a.jpg', 3.5], [8, 'e.jpg', 10]]);
    expect(r.problems.map((p) => [p.row, p.code])).toEqual([
      [3, 'non_numeric_mos'],
      [4, 'duplicate_name'],
      [5, 'empty_name'],
      [6, 'missing_field'],
      [7, 'non_numeric_mos'],
    ]);
    expect(r.problems[1]!.message).toMatch(/a\.jpg already labelled on row 2/);
    expect(r.records).toBe(7);
  });

  it('throws a clear error when the header lacks the columns', () => {
    expect(() => parseIqaLabels('foo,bar\n1,2\n')).toThrow(/no image column 'image' in header \[foo, bar\]/);
    expect(() => parseIqaLabels('a,b\n', { format: 'nope' as 'csv' })).toThrow(/unknown label format 'nope'/);
  });
});

describe('readIqaLabels', () => {
  it('checks images against the folder, including paths that leave it', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'imgs', 'sub'), { recursive: true });
    writeFileSync(path.join(dir, 'imgs', 'one.png'), 'x');
    writeFileSync(path.join(dir, 'imgs', 'sub', 'two.png'), 'x');
    const labels = path.join(dir, 'labels.csv');
    writeFileSync(labels, 'image,mos\r\none.png,1\r\nsub/two.png,2\r\nmissing.png,3\r\n../labels.csv,4\r\n');
    const r = readIqaLabels(labels, { imageDir: path.join(dir, 'imgs') });
    expect(r.rows.map((x) => x.imagePath)).toEqual([
      path.join(dir, 'imgs', 'one.png'),
      path.join(dir, 'imgs', 'sub', 'two.png'),
    ]);
    expect(r.problems.map((p) => [p.row, p.code])).toEqual([[4, 'missing_file'], [5, 'outside_image_dir']]);
  });

  it('names the file when it cannot be read', () => {
    expect(() => readIqaLabels('/nonexistent/labels.csv')).toThrow(/\/nonexistent\/labels\.csv/);
  });
});
