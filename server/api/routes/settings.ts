/**
 * `GET /settings`, `GET /settings/{id}` (the value or `null`), `POST /settings` (merge an object) and
 * `POST /settings/{id}` (set one value); the user's `comfy.settings.json` (app/app_settings.py). Writes answer 200
 * with an empty body, as ComfyUI.
 */
import type { Request, Router } from 'express';
import { SettingsBody } from '../../protocol/user-data.js';
import { StringHttpError } from '../http-error.js';
import { jsonBody, sendJson } from '../json-io.js';
import type { RouteDeps } from '../route-deps.js';
import { pathParam, requestUser, userRoute } from '../user-request.js';

/** The JSON body; a broken or missing one is a plain-text 400. */
async function body(req: Request): Promise<unknown> {
  let value: unknown;
  try {
    value = await jsonBody(req);
  } catch (err) {
    throw new StringHttpError(400, err instanceof Error ? err.message : String(err));
  }
  if (value === undefined) throw new StringHttpError(400, 'request body must be JSON');
  return value;
}

export function register(router: Router, deps: RouteDeps): void {
  router.get('/settings', userRoute(async (req, res) => sendJson(res, await requestUser(req, deps).settings.all())));

  router.get('/settings/:id', userRoute(async (req, res) => {
    const all = await requestUser(req, deps).settings.all();
    sendJson(res, Object.hasOwn(all, pathParam(req, 'id')) ? all[pathParam(req, 'id')] : null);
  }));

  router.post('/settings', userRoute(async (req, res) => {
    const user = requestUser(req, deps);
    const parsed = SettingsBody.safeParse(await body(req));
    if (!parsed.success) throw new StringHttpError(400, 'settings must be a JSON object');
    await user.settings.merge(parsed.data);
    res.status(200).end();
  }));

  router.post('/settings/:id', userRoute(async (req, res) => {
    const user = requestUser(req, deps);
    await user.settings.merge({ [pathParam(req, 'id')]: await body(req) });
    res.status(200).end();
  }));
}
