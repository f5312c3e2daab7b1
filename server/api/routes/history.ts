/** `GET /history[?max_items&offset]`, `GET /history/{prompt_id}`, `POST /history` (`clear` / `delete`). */
import type { Router } from 'express';
import { HttpError } from '../http-error.js';
import { jsonObjectBody, sendJson, sendJsonObjectStream } from '../json-io.js';
import type { RouteDeps } from '../route-deps.js';
import { editBody } from './queue.js';

function intParam(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) throw new HttpError(400, 'bad_request', `"${name}" must be an integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

export function register(router: Router, deps: RouteDeps): void {
  router.get('/history', async (req, res) => {
    const maxItems = intParam('max_items', req.query.max_items);
    const offset = intParam('offset', req.query.offset);
    // Streamed: at the 10,000-entry cap the reply is tens of MiB (json-io.ts).
    await sendJsonObjectStream(res, Object.entries(await deps.history.list({ maxItems, offset })));
  });

  router.get('/history/:promptId', async (req, res) => {
    const entry = await deps.history.get(req.params.promptId);
    sendJson(res, entry ? { [req.params.promptId]: entry } : {});
  });

  router.post('/history', async (req, res) => {
    const edit = editBody(await jsonObjectBody(req));
    if (edit.clear) await deps.history.clear();
    if (edit.delete.length > 0) await deps.history.delete(edit.delete);
    res.status(200).end();
  });
}
