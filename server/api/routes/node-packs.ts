/** `GET /node_packs`: the custom node packs found at start, loaded or skipped with the reason. */
import type { Router } from 'express';
import type { RouteDeps } from '../route-deps.js';

export function register(router: Router, deps: RouteDeps): void {
  router.get('/node_packs', (_req, res) => {
    res.json({ packs: deps.nodePacks?.() ?? [] });
  });
}
