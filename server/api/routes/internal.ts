/**
 * ComfyUI's frontend-only `/internal` routes (api_server/routes/internal/internal_routes.py): `GET /internal/logs`
 * (one string), `GET /internal/logs/raw` (`{entries: [{t, m}], size: {cols, rows}}`), `PATCH
 * /internal/logs/subscribe` (`{clientId, enabled}`: push new entries as WS `logs` messages) and
 * `GET /internal/folder_paths` (model folder kind → its directories).
 */
import type { Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../http-error.js';
import { jsonBody, sendJson } from '../json-io.js';
import { modelFolderPaths } from '../model-folder-paths.js';
import type { RouteDeps } from '../route-deps.js';

const SubscribeBody = z.object({ clientId: z.string(), enabled: z.boolean() });

/** The terminal size ComfyUI reports (shutil.get_terminal_size falls back to 80×24 without a terminal). */
export function terminalSize(): { cols: number; rows: number } {
  return { cols: process.stdout.columns ?? 80, rows: process.stdout.rows ?? 24 };
}

export function register(router: Router, deps: RouteDeps): void {
  router.get('/internal/logs', (_req, res) => sendJson(res, deps.logs.text()));
  router.get('/internal/logs/raw', (_req, res) => sendJson(res, { entries: deps.logs.entries(), size: terminalSize() }));

  router.patch('/internal/logs/subscribe', async (req, res) => {
    const body = SubscribeBody.safeParse(await jsonBody(req));
    if (!body.success) throw new HttpError(400, 'bad_request', 'expected {"clientId": string, "enabled": boolean}');
    deps.logs.subscribe(body.data.clientId, body.data.enabled);
    res.status(200).end();
  });

  router.get('/internal/folder_paths', (_req, res) => {
    sendJson(res, modelFolderPaths(deps));
  });
}
