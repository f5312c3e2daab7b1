/**
 * Reading a big request body into shared memory (issue 19; docs/reliability.md, "JSON"). express.raw collects a
 * body's chunks and joins them with one `Buffer.concat` when the last one arrives, and the parse worker then got
 * its own copy of that buffer: for a 50 MB POST /prompt, ~100 ms of copying in one block on the main thread. Here
 * each chunk is copied into a `SharedArrayBuffer` of the declared length as it arrives, and the worker that plans
 * the parse (json-body-parse.ts) reads the same memory without a copy.
 *
 * Only plain bodies of a declared length between `minBytes` and the upload limit are read here. Everything else
 * (small, compressed, chunked, or over the limit, which express.raw answers with its 413) goes on to express.raw.
 */
import type { RequestHandler } from 'express';
import { HttpError } from './http-error.js';

export interface SharedBodyOptions {
  /** Bodies from this declared length up are read into shared memory. */
  readonly minBytes: number;
  /** The upload limit; longer bodies are left to express.raw, which refuses them. */
  readonly maxBytes: number;
  /** True for requests whose body is read elsewhere (multipart uploads are streamed by their route). */
  readonly skip: (req: Parameters<RequestHandler>[0]) => boolean;
}

/** The body as a Buffer over a SharedArrayBuffer, or an error for a body that is cut short or longer than declared. */
export function sharedBodyReader(options: SharedBodyOptions): RequestHandler {
  return (req, _res, next) => {
    const declared = Number(req.headers['content-length']);
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (!(declared >= options.minBytes && declared <= options.maxBytes) || encoding !== 'identity' || options.skip(req)) return next();
    const body = Buffer.from(new SharedArrayBuffer(declared));
    let filled = 0;
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      req.off('data', onData).off('end', onEnd).off('aborted', onAborted).off('error', onError);
      if (err) {
        req.resume(); // the rest is discarded, as express.raw does before it answers
        return next(err);
      }
      req.body = body;
      next();
    };
    const mismatch = () => new HttpError(400, 'bad_request', `request size did not match content length (${declared} bytes declared)`);
    const onData = (chunk: Buffer) => {
      if (filled + chunk.length > declared) return finish(mismatch());
      chunk.copy(body, filled);
      filled += chunk.length;
    };
    const onEnd = () => finish(filled === declared ? undefined : mismatch());
    const onAborted = () => finish(new HttpError(400, 'bad_request', 'request aborted'));
    const onError = (err: Error) => finish(new HttpError(400, 'bad_request', `request body could not be read: ${err.message}`));
    req.on('data', onData).on('end', onEnd).on('aborted', onAborted).on('error', onError);
  };
}
