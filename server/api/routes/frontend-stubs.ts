/**
 * Routes the ComfyUI frontend calls at start where we have nothing to offer, answered with ComfyUI's empty shapes
 * so it starts without errors: `GET /i18n` (custom-node translations, `{}`) and `GET /global_subgraphs`
 * (subgraph blueprints, `{}`).
 */
import type { Router } from 'express';
import { sendJson } from '../json-io.js';
import type { RouteDeps } from '../route-deps.js';

export function register(router: Router, _deps: RouteDeps): void {
  router.get('/i18n', (_req, res) => sendJson(res, {}));
  router.get('/global_subgraphs', (_req, res) => sendJson(res, {}));
}
