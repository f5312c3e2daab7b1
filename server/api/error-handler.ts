/**
 * The one place where errors become HTTP responses (docs/architecture.md, "Errors"). Every error body has ComfyUI's
 * prompt-error shape `{error: {type, message, details, extra_info}, node_errors}` because that is what its
 * frontend knows how to show. Errors are recognised by class, never by their shape.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { StateWriteError } from '../queue/journal-fs.js';
import type { ErrorRequestHandler } from 'express';
import { wireGraphError, wireNodeErrors } from '../engine/wire.js';
import type { HttpErrorType, WireErrorBody } from '../protocol/comfy-errors.js';
import { QueueUnavailable } from '../queue/backend.js';
import { HttpError, PromptRejected, StringHttpError } from './http-error.js';
import { drainRequest } from './drain-request.js';
import { sendJson } from './json-io.js';

/** Status of errors raised by our file layer and by express's body reader (`status`/`statusCode` 4xx). */
function clientStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const s = (err as { status?: unknown; statusCode?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode;
  return typeof s === 'number' && s >= 400 && s < 500 ? s : undefined;
}

const TYPE_BY_STATUS: Record<number, HttpErrorType> = { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 413: 'payload_too_large' };

/**
 * Replaces the server's absolute folders in a message (the data dir, the working dir, home) by short names: API
 * errors must not disclose the layout of the machine (issue 19).
 */
export function scrubPaths(message: string, dataRoot?: string): string {
  const roots: [string, string][] = [[os.homedir(), '~'], [process.cwd(), '.']];
  if (dataRoot) roots.push([dataRoot, '<data>']);
  roots.sort((a, b) => b[0].length - a[0].length);
  let out = message;
  for (const [abs, short] of roots) if (abs.length > 1) out = out.split(abs).join(short);
  return out;
}

function body(type: HttpErrorType, message: string, extra: Record<string, unknown> = {}): WireErrorBody {
  return { error: { type, message, details: '', extra_info: extra }, node_errors: {} };
}

/** Express error middleware: validation → 400, client errors → their status, anything else → 500 with a logged id. */
export function errorHandler(log: (message: string) => void, options: { dataRoot?: string } = {}): ErrorRequestHandler {
  const reply = (type: HttpErrorType, message: string, extra?: Record<string, unknown>) => body(type, scrubPaths(message, options.dataRoot), extra);
  return (err, req, res, _next) => {
    if (res.headersSent) {
      req.socket.destroy();
      return;
    }
    if (err instanceof PromptRejected) {
      const rejected: WireErrorBody = { error: wireGraphError(err.error), node_errors: wireNodeErrors(err.nodeErrors) };
      return sendJson(res, rejected, 400);
    }
    const status = err instanceof HttpError ? err.status : clientStatus(err);
    if (status === 413) {
      // Close after the reply, but read the rest of the body first so the client sees the 413 (drain-request.ts).
      res.setHeader('Connection', 'close');
      drainRequest(req);
    }
    if (err instanceof HttpError) return sendJson(res, reply(err.type, err.message), err.status);
    if (err instanceof StringHttpError) {
      if (err.form === 'json') return sendJson(res, { error: err.text }, err.status);
      return void res.status(err.status).type('text/plain').send(err.text);
    }
    if (err instanceof StateWriteError) {
      log(`refused ${req.method} ${req.originalUrl}: ${err.message}`);
      res.setHeader('Retry-After', '30');
      return sendJson(res, reply('insufficient_storage', err.message), 507);
    }
    if (err instanceof QueueUnavailable) {
      res.setHeader('Retry-After', '5');
      return sendJson(res, reply('service_unavailable', err.message), 503);
    }
    if (status !== undefined) {
      return sendJson(res, reply(TYPE_BY_STATUS[status] ?? 'bad_request', err instanceof Error ? err.message : String(err)), status);
    }
    const id = randomUUID();
    log(`error ${id} on ${req.method} ${req.originalUrl}: ${err instanceof Error ? err.stack : String(err)}`);
    sendJson(res, reply('server_error', `Internal server error (id ${id}, see the server log)`, { error_id: id }), 500);
  };
}
