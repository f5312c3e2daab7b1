/** Runs the real CLI (`node bin/perceptgraph.mjs …`) in a child process, for end-to-end CLI and workflow tests. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { REPO } from './workflows.js';

/** The outcome of one CLI run: exit code (1 when it was killed) and its output. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `perceptgraph <args…>` in a child process (killed after `timeoutMs`); never throws. */
export function runPerceptgraph(args: readonly string[], timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(REPO, 'bin/perceptgraph.mjs'), ...args], { cwd: REPO, timeout: timeoutMs }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Runs `perceptgraph run <file> --data-dir <dataDir> --device cpu --json` (killed after 120 s); stdout is the JSON summary, its `outputs` the UI outputs. */
export function runCli(file: string, dataDir: string): Promise<CliResult> {
  return runPerceptgraph(['run', file, '--data-dir', dataDir, '--device', 'cpu', '--json'], 120_000);
}
