/**
 * `perceptgraph i2t filter <file>`: reads an I&2T file, keeps descriptions with enough perceptual vocabulary
 * terms, writes the kept rows and prints a report. The lead's CLI entry point calls {@link runI2tFilterCli}.
 */

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadVocabulary } from '../vocab/vocabulary.js';
import { readI2tDataset, type I2tProblem, type ImageCheck } from './dataset.js';
import { filterDescriptions, type CountStats, type FilterField, type FilterReport } from './filter.js';
import { writeI2tDataset } from './write-dataset.js';
import { parseCommandArgs, usageError, type CliIo, type CommandUsage } from './cli-args.js';

export type { CliIo };

/** Usage text of the command. */
export const I2T_FILTER_USAGE = `usage: perceptgraph i2t filter <input.csv|.jsonl> [options]
  -o, --out FILE          filtered output (default <input>.filtered.<ext>; format from its extension)
  -n, --min-terms N       keep rows with at least N vocabulary terms (default 7, as in the DeCLIP paper)
      --vocab FILE        vocabulary file, one term per line (default: the built-in perceptual vocabulary)
      --field F           text to count: perceptual (default) or both (perceptual + semantic)
      --check-images M    decode (default), exists or none
      --report FILE       also write the report as JSON
      --data-dir DIR      accepted as by every command (filter reads only the files it is given)
  -h, --help              show this help
`;

// How many bad rows to list on the console; the JSON report has all of them.
const MAX_LISTED_PROBLEMS = 20;

/**
 * Runs the filter command. Returns the exit code: 0 done (even if rows were skipped or dropped), 1 the input,
 * vocabulary or output could not be used, 2 bad arguments. Never throws.
 */
export async function runI2tFilterCli(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseOptions(args, io);
  if (typeof parsed === 'number') return parsed;
  const cwd = io.cwd ?? process.cwd();
  const input = path.resolve(cwd, parsed.input);
  const out = path.resolve(cwd, parsed.out ?? defaultOutput(parsed.input));
  try {
    const vocab = loadVocabulary(parsed.vocab && path.resolve(cwd, parsed.vocab));
    const data = await readI2tDataset(input, { checkImages: parsed.checkImages });
    const result = filterDescriptions(data.rows, { minTerms: parsed.minTerms, vocab, field: parsed.field });
    writeI2tDataset(out, result.kept);
    io.stdout(formatReport({ input, out, records: data.records, problems: data.problems, report: result.report }));
    if (parsed.report) {
      const json = { input, output: out, records: data.records, badRows: data.problems, ...result.report };
      writeFileSync(path.resolve(cwd, parsed.report), JSON.stringify(json, null, 2) + '\n');
    }
    return 0;
  } catch (err) {
    io.stderr(`i2t filter: ${(err as Error).message}\n`);
    return 1;
  }
}

interface FilterArgs {
  readonly input: string;
  readonly out?: string;
  readonly minTerms: number;
  readonly vocab?: string;
  readonly field: FilterField;
  readonly checkImages: ImageCheck;
  readonly report?: string;
}

const FILTER_COMMAND: CommandUsage = { command: 'i2t filter', usage: I2T_FILTER_USAGE };

function parseOptions(args: readonly string[], io: CliIo): FilterArgs | number {
  const parsed = parseCommandArgs(args, io, {
    ...FILTER_COMMAND,
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      'min-terms': { type: 'string', short: 'n' },
      vocab: { type: 'string' },
      field: { type: 'string' },
      'check-images': { type: 'string' },
      report: { type: 'string' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const fail = (message: string) => usageError(io, FILTER_COMMAND, message);
  if (positionals.length !== 1) return fail(`expected one input file, got ${positionals.length}`);
  const minTerms = Number(values['min-terms'] ?? 7);
  if (!Number.isInteger(minTerms) || minTerms < 0) {
    return fail(`--min-terms must be an integer ≥ 0, got '${values['min-terms']}'`);
  }
  const field = (values.field ?? 'perceptual') as string;
  if (field !== 'perceptual' && field !== 'both') return fail(`--field must be perceptual or both, got '${field}'`);
  const checkImages = (values['check-images'] ?? 'decode') as string;
  if (!['decode', 'exists', 'none'].includes(checkImages)) {
    return fail(`--check-images must be decode, exists or none, got '${checkImages}'`);
  }
  return {
    input: positionals[0]!,
    out: values.out as string | undefined,
    minTerms,
    vocab: values.vocab as string | undefined,
    field,
    checkImages: checkImages as ImageCheck,
    report: values.report as string | undefined,
  };
}

function defaultOutput(input: string): string {
  const ext = path.extname(input) || '.csv';
  return input.slice(0, input.length - path.extname(input).length) + '.filtered' + ext;
}

interface ReportInput {
  readonly input: string;
  readonly out: string;
  readonly records: number;
  readonly problems: readonly I2tProblem[];
  readonly report: FilterReport;
}

/** Formats the human-readable report printed by the command. */
export function formatReport({ input, out, records, problems, report }: ReportInput): string {
  const lines = [
    `i2t filter: ${input}`,
    `  vocabulary: ${report.vocabSource} (${report.vocabSize} terms); keep if ≥ ${report.minTerms} terms in ${report.field} text`,
    `  rows read:  ${records}`,
    `  bad rows:   ${problems.length} (skipped)`,
    ...problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `    ${p.code}: ${p.message}`),
    ...(problems.length > MAX_LISTED_PROBLEMS ? [`    … and ${problems.length - MAX_LISTED_PROBLEMS} more`] : []),
    `  kept:       ${report.kept}`,
    `  dropped:    ${report.dropped}`,
    `  vocabulary terms per description: ${stats(report.termCounts.all)}`,
    `    kept:    ${stats(report.termCounts.kept)}`,
    `    dropped: ${stats(report.termCounts.dropped)}`,
    `  words per description: ${stats(report.wordCounts)}`,
    `  wrote ${report.kept} rows to ${out}`,
  ];
  return lines.join('\n') + '\n';
}

function stats(s: CountStats): string {
  if (s.n === 0) return 'none';
  return `min ${s.min}, median ${s.median}, mean ${s.mean.toFixed(2)}, max ${s.max}`;
}
