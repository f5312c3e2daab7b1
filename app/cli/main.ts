/**
 * `perceptgraph <command>`: one entry point for the server and the headless tools. Each command lives in its own
 * module and returns an exit code; bad input gets a message on stderr and a non-zero code, never a stack trace.
 */
import type { CliCommand } from './command.js';
import { isUsageError } from './usage-error.js';

export type { CliCommand };

const commands: Record<string, () => Promise<CliCommand>> = {
  serve: async () => (await import('./serve-command.js')).serveCommand,
  worker: async () => (await import('./worker-command.js')).workerCommand,
  run: async () => (await import('./run-command.js')).runCommand,
  setup: async () => (await import('./setup-command.js')).setupCommand,
};

/** Registers a further command (packs that add CLI tools call this from their module). */
export function registerCommand(name: string, load: () => Promise<CliCommand>): void {
  commands[name] = load;
}

async function loadExtraCommands(): Promise<void> {
  const extra = await import('./extra-commands.js');
  for (const [name, load] of Object.entries(extra.extraCommands)) registerCommand(name, load);
}

/** The top-level help: every command with its one-line summary. */
async function usage(): Promise<string> {
  const names = Object.keys(commands);
  const width = Math.max(...names.map((n) => n.length));
  const lines = await Promise.all(names.map(async (n) => `  ${n.padEnd(width)}  ${(await commands[n]!()).summary}`));
  return ['usage: perceptgraph <command> [options]', '', 'commands:', ...lines, '', 'Every command takes --data-dir DIR and --help. Run `perceptgraph <command> --help` for its options.'].join('\n');
}

/** Runs the CLI and resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  await loadExtraCommands();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    if (name) console.log(await usage());
    else console.error(await usage());
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    console.error(`perceptgraph: unknown command "${name}"\n\n${await usage()}`);
    return 2;
  }
  try {
    return await (await load()).run(rest);
  } catch (err) {
    console.error(`perceptgraph ${name}: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.PERCEPTGRAPH_DEBUG) console.error(err);
    if (isUsageError(err)) {
      console.error(`Run \`perceptgraph ${name} --help\` for its options.`);
      return 2;
    }
    return 1;
  }
}
