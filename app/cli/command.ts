/** The contract of one `perceptgraph` command: the dispatcher (`main.ts`) loads commands lazily by name. */
export interface CliCommand {
  readonly summary: string;
  /** Resolves to the exit code: 0 success, 1 failure, 2 usage. */
  readonly run: (args: string[]) => Promise<number>;
}
