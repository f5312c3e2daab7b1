/**
 * Where `serve` gets its bearer token, safest first: `--auth-token-file PATH` (first line of the file), the
 * `PERCEPTGRAPH_AUTH_TOKEN` environment variable, then `--auth-token VALUE`, which other local users can read
 * in the process list, so the command line is then rewritten without it (process.title) and a warning printed.
 */
import { readFileSync } from 'node:fs';
import { redactSecretArgs } from '../../server/api/security.js';

/** Environment variable holding the token. */
export const AUTH_TOKEN_ENV = 'PERCEPTGRAPH_AUTH_TOKEN';

/**
 * The token, or undefined when none is configured.
 * @throws Error (usage) when the file cannot be read or holds an empty token, or when both a file and a value are given.
 */
export function resolveAuthToken(options: { value?: string; file?: string; env?: NodeJS.ProcessEnv; warn?: (m: string) => void }): string | undefined {
  const env = options.env ?? process.env;
  if (options.file !== undefined && options.value !== undefined) throw new Error('give either --auth-token or --auth-token-file, not both');
  if (options.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8');
    } catch (err) {
      throw new Error(`--auth-token-file: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    const token = text.split(/\r?\n/)[0]!.trim();
    if (token === '') throw new Error('--auth-token-file: the file holds no token on its first line');
    return token;
  }
  if (options.value !== undefined) {
    if (options.value === '') throw new Error('--auth-token must not be empty');
    hideSecretsFromProcessList();
    options.warn?.(`--auth-token is visible to other users while the server starts; prefer ${AUTH_TOKEN_ENV} or --auth-token-file`);
    return options.value;
  }
  const fromEnv = env[AUTH_TOKEN_ENV];
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

/** Rewrites this process's command line (as `ps` and /proc/PID/cmdline show it) without the token. */
export function hideSecretsFromProcessList(): void {
  try {
    process.title = redactSecretArgs(process.argv).join(' ');
  } catch {
    // some platforms refuse; the warning still tells the user
  }
}
