/**
 * Request bodies and JSON responses. ComfyUI parses bodies as JSON whatever the Content-Type (its own Python
 * example posts JSON as form-urlencoded), so the raw body is kept and parsed here, losslessly; big bodies in
 * pieces planned by a worker thread, so a 50 MB POST /prompt does not hold the event loop (json-body-parse.ts).
 */
import type { Request, Response } from 'express';
import { HttpError } from './http-error.js';
import { stringifyJson } from '../protocol/json-codec.js';
import { parseJsonBody } from './json-body-parse.js';

/** True for multipart bodies, which the upload route streams itself. */
export function isMultipart(req: Request): boolean {
  return /^multipart\//i.test(req.headers['content-type'] ?? '');
}

/**
 * The parsed JSON body, or `undefined` when the body is empty.
 * @throws HttpError 400 naming the parse problem when the body is not JSON.
 */
export async function jsonBody(req: Request): Promise<unknown> {
  const raw: unknown = req.body;
  if (!Buffer.isBuffer(raw)) return undefined;
  try {
    return (await parseJsonBody(raw)).value;
  } catch (err) {
    throw new HttpError(400, 'invalid_json', `request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The JSON body as an object (empty object when the body is empty); 400 for other JSON values. */
export async function jsonObjectBody(req: Request): Promise<Record<string, unknown>> {
  const body = await jsonBody(req);
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'invalid_json', `request body must be a JSON object, got ${Array.isArray(body) ? 'an array' : typeof body}`);
  }
  return body as Record<string, unknown>;
}

/** Sends `value` as JSON, bigints written as integer tokens. */
export function sendJson(res: Response, value: unknown, status = 200): void {
  res.status(status).type('application/json').send(stringifyJson(value));
}

/**
 * Sends a JSON object entry by entry: one `stringifyJson` per value, never the whole body as one string, waiting
 * for the socket to drain and yielding to other requests between chunks. Used for `GET /history`, whose full
 * reply can reach tens of MiB (issue 19).
 */
export async function sendJsonObjectStream(res: Response, entries: Iterable<[string, unknown]>): Promise<void> {
  res.status(200).type('application/json');
  let chunk = '{';
  let first = true;
  for (const [key, value] of entries) {
    chunk += `${first ? '' : ','}${JSON.stringify(key)}:${stringifyJson(value)}`;
    first = false;
    if (chunk.length < 256 * 1024) continue;
    const full = !res.write(chunk);
    chunk = '';
    if (res.destroyed) return;
    if (full) {
      await new Promise<void>((resolve) => {
        const done = () => (res.off('drain', done), res.off('close', done), resolve());
        res.on('drain', done).on('close', done);
      });
    }
    else await new Promise((resolve) => setImmediate(resolve));
  }
  res.end(`${chunk}}`);
}
