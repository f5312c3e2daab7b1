/** `GET /users` (storage mode and users) and `POST /users` (add a user; app/user_manager.py). */
import { existsSync } from 'node:fs';
import type { Router } from 'express';
import { NewUserBody, type MultiUserReply, type SingleUserReply } from '../../protocol/user-data.js';
import { DEFAULT_USER, NewUserRefused } from '../../users/user-registry.js';
import { StringHttpError } from '../http-error.js';
import { jsonBody, sendJson } from '../json-io.js';
import type { RouteDeps } from '../route-deps.js';

export function register(router: Router, deps: RouteDeps): void {
  router.get('/users', (_req, res) => {
    const reply: SingleUserReply | MultiUserReply = deps.users.multiUser
      ? { storage: 'server', users: deps.users.users() }
      : { storage: 'server', migrated: existsSync(deps.users.userRoot(DEFAULT_USER)) };
    sendJson(res, reply);
  });

  router.post('/users', async (req, res) => {
    let body: unknown;
    try {
      body = await jsonBody(req);
    } catch (err) {
      throw new StringHttpError(400, err instanceof Error ? err.message : String(err), 'json');
    }
    const parsed = NewUserBody.safeParse(body);
    if (!parsed.success) throw new StringHttpError(400, 'username not provided', 'json');
    try {
      sendJson(res, deps.users.addUser(parsed.data.username));
    } catch (err) {
      if (err instanceof NewUserRefused) throw new StringHttpError(400, err.message, 'json');
      throw err;
    }
  });
}
