import { describe, expect, it } from 'vitest';
import { parseCommandArgs, type CliIo } from '../../../models/i2t/cli-args.js';

function capture(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) };
}

const spec = { command: 'demo', usage: 'usage: demo [--n N]\n', options: { n: { type: 'string', short: 'n' } } } as const;

describe('parseCommandArgs', () => {
  it('returns the flags and positionals', () => {
    const io = capture();
    expect(parseCommandArgs(['-n', '3', 'file'], io, { ...spec, allowPositionals: true })).toEqual({ values: { n: '3' }, positionals: ['file'] });
    expect(io.out.concat(io.err)).toEqual([]);
  });

  it('prints the usage and returns 0 for --help', () => {
    const io = capture();
    expect(parseCommandArgs(['-h'], io, spec)).toBe(0);
    expect(io.out).toEqual([spec.usage]);
  });

  it('returns 2 with the message and the usage for unknown flags and unexpected positionals', () => {
    const io = capture();
    expect(parseCommandArgs(['--bogus'], io, spec)).toBe(2);
    expect(parseCommandArgs(['file'], io, spec)).toBe(2);
    expect(io.err).toHaveLength(2);
    for (const e of io.err) expect(e).toMatch(/^demo: .*\nusage: demo/);
  });
});
