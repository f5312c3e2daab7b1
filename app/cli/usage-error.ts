/**
 * Usage errors: bad flags or values the user typed. The dispatcher (`main.ts`) turns them into the message plus
 * exit code 2, where any other error is a failure (exit 1).
 */

/** A usage mistake: the message names the option and what it accepts. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `node:util` parseArgs's own errors (unknown option, missing value, stray positional) are usage errors too. */
const PARSE_ARGS_CODES = /^ERR_PARSE_ARGS_/;

/** True for a {@link UsageError} or an error thrown by `parseArgs`. */
export function isUsageError(err: unknown): boolean {
  if (err instanceof UsageError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && PARSE_ARGS_CODES.test(code);
}
