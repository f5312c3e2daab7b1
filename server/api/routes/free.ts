/**
 * `POST /free` `{unload_models, free_memory}`, applied after the running prompt as ComfyUI's prompt worker does:
 * `free_memory` drops the cached results (in every cache mode) and releases the idle model sessions;
 * `unload_models` releases the model sessions only.
 */
import type { Router } from 'express';
import { jsonObjectBody } from '../json-io.js';
import type { RouteDeps } from '../route-deps.js';

export function register(router: Router, deps: RouteDeps): void {
  router.post('/free', async (req, res) => {
    const body = await jsonObjectBody(req);
    if (body.free_memory || body.unload_models) await deps.worker.requestFree({ freeMemory: body.free_memory === true, unloadModels: body.unload_models === true });
    res.status(200).end();
  });
}
