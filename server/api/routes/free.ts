/**
 * `POST /free` `{unload_models, free_memory}`: cached results are dropped after the running prompt; with
 * `unload_models` the idle model sessions are released too.
 */
import type { Router } from 'express';
import { jsonObjectBody } from '../json-io.js';
import type { RouteDeps } from '../route-deps.js';

export function register(router: Router, deps: RouteDeps): void {
  router.post('/free', async (req, res) => {
    const body = jsonObjectBody(req);
    if (body.free_memory || body.unload_models) await deps.worker.requestFree({ unloadModels: body.unload_models === true });
    res.status(200).end();
  });
}
