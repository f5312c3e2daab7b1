/** `GET /queue` (running and pending 5-tuples, no secrets) and `POST /queue` (`clear` / `delete` pending). */
import type { Router } from 'express';
import { queueTuple } from '../../queue/types.js';
import { HttpError } from '../http-error.js';
import { jsonObjectBody, sendJson } from '../json-io.js';
import type { RouteDeps } from '../route-deps.js';

/** Reads ComfyUI's `{clear?: bool, delete?: [ids]}` edit body (shared by /queue and /history). */
export function editBody(raw: Record<string, unknown>): { clear: boolean; delete: string[] } {
  const del = raw.delete;
  if (del !== undefined && !Array.isArray(del)) throw new HttpError(400, 'bad_request', '"delete" must be a list of prompt ids');
  return { clear: Boolean(raw.clear), delete: (del ?? []).map(String) };
}

export function register(router: Router, deps: RouteDeps): void {
  router.get('/queue', async (_req, res) => {
    const [running, pending] = await Promise.all([deps.queue.running(), deps.queue.pending()]);
    sendJson(res, { queue_running: running.map(queueTuple), queue_pending: pending.map(queueTuple) });
  });

  router.post('/queue', async (req, res) => {
    const edit = editBody(await jsonObjectBody(req));
    if (edit.clear) await deps.queue.clear();
    if (edit.delete.length > 0) await deps.queue.delete(edit.delete);
    res.status(200).end(); // ComfyUI replies with an empty body
  });
}
