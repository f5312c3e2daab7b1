import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeDegradedIqaSet, type DegradedIqaSet } from '../../../../models/i2t/synth.js';
import { ProgressBar } from '../../../../models/iqa/eval/progress-bar.js';
import { main } from '../../../../app/cli/main.js';

let work: string;
let set: DegradedIqaSet;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-iqa-cli-'));
  set = await makeDegradedIqaSet(path.join(work, 'set'), { n: 12, badRows: true, seed: 9 });
});
afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    return { code: await main(args), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('perceptgraph iqa eval', () => {
  it('prints the metrics table, reports bad rows and writes JSON and CSV on a fresh data dir', async () => {
    const outDir = path.join(work, 'report');
    const r = await cli(['iqa', 'eval', '--images', set.imageDir, '--labels', set.labelsFile, '--data-dir', path.join(work, 'data'),
      '--out', outDir, '--device', 'cpu', '--batch-size', '4']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/model\s+n\s+SRCC\s+KRCC\s+PLCC\s+PLCC\(logistic\)\s+ms\/image\s+cached/);
    expect(r.out).toMatch(/^CLIP\s+12\s/m);
    expect(r.out).toMatch(/^DeCLIP\s+12\s/m);
    expect(r.out).toMatch(/4 left out \(missing_file: 1, non_numeric_mos: 1, duplicate_name: 1, undecodable_image: 1\)/);
    expect(r.err).toMatch(new RegExp(`skipped: row ${set.badRows!.nonNumericMos}: MOS`));
    for (const f of ['metrics.json', 'metrics.csv', 'predictions.csv']) expect(fs.existsSync(path.join(outDir, f))).toBe(true);
  });

  it('exits 2 with usage when required options are missing, and 1 with a message for a bad spec', async () => {
    const missing = await cli(['iqa', 'eval', '--images', set.imageDir]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--images and --labels are required/);
    const bad = await cli(['iqa', 'eval', '--images', set.imageDir, '--labels', set.labelsFile, '--model', 'clip=tiny-clip,colour=red', '--data-dir', path.join(work, 'data')]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/"colour=red" is not key=value/);
  });
});

describe('ProgressBar', () => {
  it('draws on a TTY and stays silent otherwise', () => {
    const written: string[] = [];
    const tty = new ProgressBar({ isTTY: true, columns: 80, write: (s: string) => written.push(s) }, 'encoding');
    tty.update(5, 10);
    tty.finish();
    expect(written[0]).toMatch(/^\rencoding \[#+-+\] 5\/10 /);
    expect(written.at(-1)).toBe('\n');
    const quiet: string[] = [];
    const pipe = new ProgressBar({ isTTY: false, write: (s: string) => quiet.push(s) }, 'encoding');
    pipe.update(5, 10);
    pipe.finish();
    expect(quiet).toEqual([]);
  });
});
