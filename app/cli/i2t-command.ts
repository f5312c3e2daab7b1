/**
 * `perceptgraph i2t filter|synth`: thin CLI wrappers over `models/i2t/` (the filter by perceptual vocabulary and
 * the synthetic I&2T generator). Bad arguments or unusable input give a message and a non-zero exit code.
 */
import { runI2tFilterCli, type CliIo } from '../../models/i2t/filter-cli.js';
import { runI2tSynthCli } from '../../models/i2t/synth-cli.js';
import type { CliCommand } from './command.js';

/** Usage of the command group. */
export const I2T_USAGE = `usage: perceptgraph i2t <subcommand> [options]
  filter <file>     keep descriptions with at least N perceptual vocabulary terms (default 7)
  synth --out DIR   write a synthetic I&2T set with controlled semantic and perceptual factors
Run \`perceptgraph i2t <subcommand> --help\` for options.
`;

const subcommands: Record<string, (args: readonly string[], io: CliIo) => Promise<number>> = {
  filter: runI2tFilterCli,
  synth: runI2tSynthCli,
};

/** Runs `i2t <subcommand> …`; returns the exit code (2 for an unknown or missing subcommand). */
export async function runI2tCli(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h') {
    io.stdout(I2T_USAGE);
    return 0;
  }
  const run = sub ? subcommands[sub] : undefined;
  if (!run) {
    io.stderr(`${sub ? `i2t: unknown subcommand "${sub}"` : 'i2t: a subcommand is required'}\n${I2T_USAGE}`);
    return 2;
  }
  return run(rest, io);
}

/** Process streams as CLI io. */
export const processIo: CliIo = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
};

export const i2tCommand: CliCommand = {
  summary: 'I&2T data: filter descriptions by perceptual vocabulary, generate a synthetic set',
  run: (args) => runI2tCli(args, processIo),
};
