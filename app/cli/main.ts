/**
 * `perceptgraph <command>`: one entry point for the server and the headless tools. Each command lives in its own
 * module and returns an exit code; bad input gets a message on stderr and a non-zero code, never a stack trace.
 */
import type { CliCommand } from './command.js';

export type { CliCommand };

const commands: Record<string, () => Promise<CliCommand>> = {
  serve: async () => (await import('./serve-command.js')).serveCommand,
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

function usage(): string {
  return ['usage: perceptgraph <command> [options]', '', 'commands:', ...Object.keys(commands).map((c) => `  ${c}`), '', 'Run `perceptgraph <command> --help` for options.'].join('\n');
}

/** Runs the CLI and resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  await loadExtraCommands();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    console.error(`perceptgraph: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await load()).run(rest);
  } catch (err) {
    console.error(`perceptgraph ${name}: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.PERCEPTGRAPH_DEBUG) console.error(err);
    return 1;
  }
}
