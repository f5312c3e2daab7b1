/** `POST /interrupt`: the running prompt, or only the given `prompt_id` if that one runs. Body optional. */
import type { Router } from 'express';
import { jsonBody, sendJson } from '../json-io.js';
import type { RouteDeps } from '../route-deps.js';

export function register(router: Router, deps: RouteDeps): void {
  router.post('/interrupt', async (req, res) => {
    let body: unknown;
    try {
      body = await jsonBody(req);
    } catch {
      body = undefined; // ComfyUI tolerates any body here: it means a global interrupt
    }
    const id = (body as { prompt_id?: unknown } | undefined)?.prompt_id;
    await deps.worker.interrupt(typeof id === 'string' ? id : undefined);
    sendJson(res, {});
  });
}
