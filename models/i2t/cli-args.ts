/**
 * What the `perceptgraph i2t …` commands share: where they print, and argument parsing with `-h/--help` and
 * usage errors (the message plus the usage text on stderr, exit code 2).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Where the command prints; `cwd` resolves relative paths (default process.cwd()). */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd?: string;
}

/** A command's name (the prefix of its messages, e.g. `i2t filter`) and usage text. */
export interface CommandUsage {
  readonly command: string;
  readonly usage: string;
}

/** The parsed flags (strings and booleans as given) and positional arguments. */
export interface CommandArgs {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
}

/** Prints `<command>: <message>` and the usage to stderr; returns the usage-error exit code 2. */
export function usageError(io: CliIo, u: CommandUsage, message: string): 2 {
  io.stderr(`${u.command}: ${message}\n${u.usage}`);
  return 2;
}

/**
 * Parses `args` with `options` plus `-h/--help` and `--data-dir DIR` (every perceptgraph command takes it) (strict: unknown flags are usage errors; positionals only when
 * allowed). Returns the arguments, or the exit code when the command is already done: 0 after printing the
 * usage for --help, 2 after a usage error.
 */
export function parseCommandArgs(
  args: readonly string[],
  io: CliIo,
  spec: CommandUsage & { readonly options: NonNullable<ParseArgsConfig['options']>; readonly allowPositionals?: boolean },
): CommandArgs | number {
  let parsed: CommandArgs;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: spec.allowPositionals ?? false,
      options: { ...spec.options, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }) as CommandArgs;
  } catch (err) {
    return usageError(io, spec, (err as Error).message);
  }
  if (parsed.values.help) {
    io.stdout(spec.usage);
    return 0;
  }
  return parsed;
}
