/**
 * Reading the rest of a refused body. When a server answers 413 and closes while the client is still sending,
 * the client's kernel gets a reset and clients such as Node's `fetch` report "fetch failed" instead of the 413
 * (issue 15). So the rest of the body is read and discarded, up to a bound, before the connection closes.
 */
import type { IncomingMessage } from 'node:http';

/** Most bytes, and longest time, spent discarding one refused body before the socket is cut. */
export const DRAIN_LIMITS = { bytes: 64 * 1024 * 1024, ms: 10_000 } as const;

/** Discards what is left of `req`'s body (bounded by `DRAIN_LIMITS`); destroys the socket past the bound. */
export function drainRequest(req: IncomingMessage, limits: { bytes: number; ms: number } = DRAIN_LIMITS): void {
  if (req.complete) return;
  let seen = 0;
  const cut = () => {
    clearTimeout(timer);
    req.socket.destroy();
  };
  const timer = setTimeout(cut, limits.ms);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > limits.bytes) cut();
  });
  req.on('end', () => clearTimeout(timer));
  req.on('close', () => clearTimeout(timer));
  req.unpipe();
  req.resume();
}
