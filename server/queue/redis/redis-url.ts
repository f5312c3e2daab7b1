/**
 * `--queue redis://[user:password@]host:port[/db]` (also `rediss://` for TLS): parsed once, and shown only in
 * its redacted form (the password never reaches a log line or an error message).
 */
import type { RedisOptions } from 'ioredis';

/** A parsed queue URL. */
export interface RedisTarget {
  /** ioredis options (host, port, db, username, password, tls). */
  readonly options: RedisOptions;
  /** The URL with any password replaced by `***`: the only form that is ever printed. */
  readonly shown: string;
}

/** Parses a `redis://` URL; throws a message (without the password) when it is not one. */
export function parseRedisUrl(raw: string): RedisTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('--queue must be a URL like redis://HOST:PORT[/DB]');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error(`--queue must use redis:// or rediss://, got "${url.protocol}"`);
  const db = url.pathname === '' || url.pathname === '/' ? 0 : Number(url.pathname.slice(1));
  if (!Number.isInteger(db) || db < 0) throw new Error(`--queue: the database must be a number, got "${url.pathname.slice(1)}"`);
  const port = url.port === '' ? 6379 : Number(url.port);
  const options: RedisOptions = {
    host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port,
    db,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    tls: url.protocol === 'rediss:' ? {} : undefined,
  };
  const auth = url.username || url.password ? `${url.username}${url.password ? ':***' : ''}@` : '';
  return { options, shown: `${url.protocol}//${auth}${url.host}/${db}` };
}

/** Replaces every occurrence of the target's password in `text` (for messages that quote driver errors). */
export function redact(text: string, target: RedisTarget): string {
  const pw = target.options.password;
  return pw ? text.split(pw).join('***') : text;
}
