/** `GET /object_info` (every node definition) and `GET /object_info/{class}` (`{}` when unknown, still 200). */
import type { Router } from 'express';
import { sendJson } from '../json-io.js';
import type { RouteDeps } from '../route-deps.js';

export function register(router: Router, deps: RouteDeps): void {
  router.get('/object_info', (_req, res) => sendJson(res, deps.engine.objectInfo()));

  router.get('/object_info/:nodeClass', (req, res) => {
    // Own keys only: `__proto__` or `constructor` name no node (ComfyUI's `{}` for an unknown class).
    const all = deps.engine.objectInfo(req.params.nodeClass);
    const info = Object.hasOwn(all, req.params.nodeClass) ? all[req.params.nodeClass] : undefined;
    sendJson(res, info === undefined ? {} : { [req.params.nodeClass]: info });
  });
}
