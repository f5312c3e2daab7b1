/** `GET /object_info` (every node definition) and `GET /object_info/{class}` (`{}` when unknown, still 200). */
import type { Router } from 'express';
import { sendJson } from '../json-io.js';
import type { RouteDeps } from '../route-deps.js';

export function register(router: Router, deps: RouteDeps): void {
  router.get('/object_info', (_req, res) => sendJson(res, deps.engine.objectInfo()));

  router.get('/object_info/:nodeClass', (req, res) => {
    const info = deps.engine.objectInfo(req.params.nodeClass)[req.params.nodeClass];
    sendJson(res, info === undefined ? {} : { [req.params.nodeClass]: info });
  });
}
