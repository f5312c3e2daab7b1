/**
 * Request guards: ComfyUI's origin-only check against cross-site requests to a loopback server (CVE-2024-10481),
 * hardened for `Origin: null` (GHSA-5xxr-jvhm-jxmj), and an optional bearer token (HTTP header or `?token=`).
 */
import { timingSafeEqual } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

function isLoopbackAddress(ip: string): boolean {
  const v = ip.toLowerCase().replace(/^\[|\]$/g, '');
  if (isIP(v) === 4) return v.startsWith('127.');
  if (v === '::1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v);
  return mapped !== null && mapped[1]!.startsWith('127.');
}

const loopbackCache = new Map<string, Promise<boolean>>();

/**
 * A host name as compared: lower case, no IPv6 brackets, no trailing dot (`localhost.` is what a browser sends
 * for `http://localhost.:8188`, and names the same host as `localhost`).
 */
export function normaliseHostname(hostname: string): string {
  return hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.+$/, '');
}

/** `localhost`, `*.localhost` (RFC 6761) or a loopback address literal; no DNS lookup (that is what rebinding abuses). */
export function isLiteralLoopbackName(hostname: string): boolean {
  const h = normaliseHostname(hostname);
  return h === 'localhost' || h.endsWith('.localhost') || (isIP(h) !== 0 && isLoopbackAddress(h));
}

/** Whether a host name is loopback: literal addresses, `localhost`, or a name resolving only to loopback. */
async function isLoopbackHost(hostname: string): Promise<boolean> {
  const h = normaliseHostname(hostname);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h)) return isLoopbackAddress(h);
  let cached = loopbackCache.get(h);
  if (!cached) {
    cached = lookup(h, { all: true }).then(
      (addrs) => addrs.length > 0 && addrs.every((a) => isLoopbackAddress(a.address)),
      () => false,
    );
    if (loopbackCache.size > 256) loopbackCache.clear();
    loopbackCache.set(h, cached);
  }
  return cached;
}

/** `host[:port]` → parts; undefined when unparsable. */
function splitHost(hostPort: string): { hostname: string; port: string } | undefined {
  try {
    const u = new URL(`http://${hostPort}`);
    return { hostname: normaliseHostname(u.hostname), port: u.port };
  } catch {
    return undefined;
  }
}

/**
 * ComfyUI's origin-only rule: when `Host` is loopback and `Origin` is present, their host parts must match
 * (ports compared only when both carry one). Unlike ComfyUI, an opaque `Origin: null` or an unparsable origin
 * is refused for a loopback host instead of skipping the check. Returns a reason when refused.
 */
export async function originRefusal(headers: IncomingHttpHeaders): Promise<string | undefined> {
  const host = headers.host;
  const origin = headers.origin;
  if (!host || origin === undefined) return undefined;
  const h = splitHost(host);
  if (!h || !(await isLoopbackHost(h.hostname))) return undefined;
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return `Origin "${origin}" is not allowed for loopback host "${host}"`;
  }
  if (o.host === '') return `Origin "${origin}" is not allowed for loopback host "${host}"`;
  const sameHost = normaliseHostname(o.hostname) === h.hostname;
  const samePort = h.port === '' || o.port === '' || h.port === o.port;
  return sameHost && samePort ? undefined : `Origin "${origin}" does not match host "${host}"`;
}

/** Which `Host` names the server answers to (DNS-rebinding protection). */
export interface HostPolicy {
  /** The bind address (`--listen`). */
  readonly listen: string;
  /** `--allow-host` names: exact names, `.example.com` for a domain and its subdomains, or `*` for any. */
  readonly allowed: readonly string[];
}

/**
 * DNS rebinding (issue 19, beyond ComfyUI): a page on `evil.example` whose name is re-pointed at 127.0.0.1 reaches
 * the server with `Host: evil.example`. Only address literals, loopback names, the `--listen` name and the
 * `--allow-host` names are answered. Returns a reason when refused; a request without `Host` passes (HTTP/1.0).
 */
export function hostRefusal(headers: IncomingHttpHeaders, policy: HostPolicy): string | undefined {
  if (!headers.host) return undefined;
  const h = splitHost(headers.host);
  if (!h) return `Host "${headers.host}" is not a valid host`;
  const name = h.hostname;
  if (isIP(name) !== 0 || isLiteralLoopbackName(name) || name === normaliseHostname(policy.listen)) return undefined;
  for (const allowed of policy.allowed.map(normaliseHostname)) {
    if (allowed === '*' || allowed === name || (allowed.startsWith('.') && (name.endsWith(allowed) || name === allowed.slice(1)))) return undefined;
  }
  return `Host "${headers.host}" is not a name of this server; start it with --allow-host ${name} to answer to it`;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a request presents: `Authorization: Bearer <t>`, else the `token` query parameter. */
export function presentedToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  const m = auth ? /^Bearer\s+(.+)$/i.exec(auth.trim()) : null;
  if (m) return m[1]!;
  const url = new URL(req.url ?? '/', 'http://x');
  return url.searchParams.get('token') ?? undefined;
}

/** True when no token is configured or the request presents the configured one. */
export function isAuthorized(req: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return true;
  const given = presentedToken(req);
  return given !== undefined && sameSecret(given, token);
}

/** Command-line options whose values are secrets. */
export const SECRET_OPTIONS = ['--auth-token', '--worker-token'] as const;

/** `argv` with the values of `SECRET_OPTIONS` (`--auth-token X` and `--auth-token=X`) replaced by `***`. */
export function redactSecretArgs(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const secret = SECRET_OPTIONS.find((o) => a === o || a.startsWith(`${o}=`));
    if (!secret) out.push(a);
    else if (a === secret) {
      out.push(a);
      if (i + 1 < argv.length) out.push('***'), i++;
    } else out.push(`${secret}=***`);
  }
  return out;
}
