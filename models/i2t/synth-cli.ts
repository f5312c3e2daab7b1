/** `perceptgraph i2t synth`: writes a synthetic I&2T set (see `synth.ts`). The lead's CLI calls {@link runI2tSynthCli}. */

import path from 'node:path';
import { parseCommandArgs, usageError, type CliIo, type CommandUsage } from './cli-args.js';
import { generateSyntheticI2t, SYNTH_FACTOR_SETS, type SynthFactorSet } from './synth.js';

/** Usage text of the command. */
export const I2T_SYNTH_USAGE = `usage: perceptgraph i2t synth [--out DIR] [options]
  -o, --out DIR       output folder (images/, i2t.csv or i2t.jsonl, factors.json);
                      default <data dir>/output/i2t-synth
      --data-dir DIR  data directory (default $PERCEPTGRAPH_DATA_DIR or ./data)
  -n, --count N       number of images (default 300)
      --size PX       square image side (default 64)
      --seed S        RNG seed, an integer (default 0); equal seeds give identical files
      --format F      csv (default) or jsonl
      --factor-set F  default (mixed factor levels) or controlled (independent, wider levels; one
                      perceptual text per level combination)
  -h, --help          show this help
`;

const SYNTH_COMMAND: CommandUsage = { command: 'i2t synth', usage: I2T_SYNTH_USAGE };

/** Runs the command; returns 0 done, 1 generation failed, 2 bad arguments. Never throws. */
export async function runI2tSynthCli(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(args, io, {
    ...SYNTH_COMMAND,
    options: {
      out: { type: 'string', short: 'o' },
      count: { type: 'string', short: 'n' },
      size: { type: 'string' },
      seed: { type: 'string' },
      format: { type: 'string' },
      'factor-set': { type: 'string' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const fail = (message: string) => usageError(io, SYNTH_COMMAND, message);
  const n = Number(values.count ?? 300);
  const size = Number(values.size ?? 64);
  const seed = Number(values.seed ?? 0);
  const format = values.format ?? 'csv';
  if (!Number.isInteger(n) || n < 1) return fail(`--count must be an integer ≥ 1, got '${values.count}'`);
  if (!Number.isInteger(size) || size < 8 || size > 4096) {
    return fail(`--size must be an integer in 8..4096, got '${values.size}'`);
  }
  if (!Number.isInteger(seed)) return fail(`--seed must be an integer, got '${values.seed}'`);
  if (format !== 'csv' && format !== 'jsonl') return fail(`--format must be csv or jsonl, got '${format}'`);
  const factorSet = (values['factor-set'] ?? 'default') as SynthFactorSet;
  if (!Object.hasOwn(SYNTH_FACTOR_SETS, factorSet)) {
    return fail(`--factor-set must be one of ${Object.keys(SYNTH_FACTOR_SETS).join(', ')}, got '${factorSet}'`);
  }
  try {
    const cwd = io.cwd ?? process.cwd();
    const dataDir = path.resolve(cwd, (values['data-dir'] as string | undefined) ?? process.env.PERCEPTGRAPH_DATA_DIR ?? 'data');
    const outDir = typeof values.out === 'string' ? path.resolve(cwd, values.out) : path.join(dataDir, 'output', 'i2t-synth');
    const r = await generateSyntheticI2t({ outDir, n, size, seed, format, factorSet });
    io.stdout(`i2t synth: wrote ${r.items.length} images (${size}×${size}, seed ${seed}) to ${r.imageDir}\n` +
      `  data:    ${r.dataFile}\n  factors: ${r.factorsFile}\n`);
    return 0;
  } catch (err) {
    io.stderr(`i2t synth: ${(err as Error).message}\n`);
    return 1;
  }
}
