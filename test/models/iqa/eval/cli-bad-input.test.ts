/** `iqa eval` on bad input (issue 19): a message and exit 1, never all-NaN metrics with exit 0. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../../app/cli/main.js';

let work: string;
let images: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-iqa-bad-'));
  images = path.join(work, 'images');
  fs.mkdirSync(images);
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    return { code: await main(args), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

function labels(name: string, text: string): string {
  const file = path.join(work, name);
  fs.writeFileSync(file, text);
  return file;
}

const evalArgs = (imageDir: string, labelsFile: string) => ['iqa', 'eval', '--images', imageDir, '--labels', labelsFile, '--data-dir', path.join(work, 'data'), '--device', 'cpu'];

describe('perceptgraph iqa eval with bad input', () => {
  it('a missing --images folder → exit 1 naming it', async () => {
    const r = await cli(evalArgs(path.join(work, 'nope'), labels('ok.csv', 'image,mos\na.png,3\n')));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--images .*nope: no such folder/);
  });

  it('a label file without rows → exit 1', async () => {
    const r = await cli(evalArgs(images, labels('empty.csv', 'image,mos\n')));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/empty\.csv has no usable rows \(0 records\)/);
  });

  it('an unterminated quote → exit 1 reporting the bad row', async () => {
    const r = await cli(evalArgs(images, labels('quote.csv', 'image,mos\na.png,3\n"b.png,4\nc.png,5\nd.png,2\n')));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/quote\.csv line 3: unterminated quoted field starting on line 3; the rows after it could not be read/);
  });

  it('rows whose images are all missing → exit 1, no report', async () => {
    const r = await cli([...evalArgs(images, labels('missing.csv', 'image,mos\na.png,3\nb.png,4\n')), '--out', path.join(work, 'report')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no usable rows|no image could be scored/);
    expect(fs.existsSync(path.join(work, 'report'))).toBe(false);
  });
});
