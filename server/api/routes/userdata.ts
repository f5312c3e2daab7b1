/**
 * `/userdata`: list (`?dir=&recurse=&split=&full_info=`), read, write (raw body, `?overwrite=&full_info=`),
 * delete and move a user's files under `user/<id>/` (app/user_manager.py). Refusals answer with ComfyUI's
 * plain-text bodies.
 */
import type { Request, Router } from 'express';
import { contentTypeFor } from '../../files/content-types.js';
import { sendJson } from '../json-io.js';
import type { RouteDeps } from '../route-deps.js';
import { pathParam, requestUser, userRoute } from '../user-request.js';

/** ComfyUI's query flags: `true` only for the string "true" (any case). */
function flag(req: Request, name: string): boolean {
  const v = req.query[name];
  return typeof v === 'string' && v.toLowerCase() === 'true';
}

/** `overwrite` defaults to true; only "false" turns it off. */
function overwrite(req: Request): boolean {
  return req.query.overwrite !== 'false';
}

export function register(router: Router, deps: RouteDeps): void {
  router.get('/userdata', userRoute(async (req, res) => {
    const dir = typeof req.query.dir === 'string' ? req.query.dir : '';
    const files = requestUser(req, deps).files;
    sendJson(res, await files.list(dir, { recurse: flag(req, 'recurse'), fullInfo: flag(req, 'full_info'), split: flag(req, 'split') }));
  }));

  router.get('/userdata/:file', userRoute(async (req, res) => {
    const files = requestUser(req, deps).files;
    const p = await files.existing(pathParam(req, 'file'));
    // User files are arbitrary content: downloads, never rendered in our origin, except the user's theme CSS.
    const css = files.isUserCss(p);
    res.set({
      'Content-Type': css ? 'text/css' : contentTypeFor(p).type,
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': css ? 'inline' : 'attachment',
    });
    await new Promise<void>((resolve, reject) => res.sendFile(p, { dotfiles: 'allow' }, (err) => (err ? reject(err) : resolve())));
  }));

  router.post('/userdata/:file', userRoute(async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const files = requestUser(req, deps).files;
    sendJson(res, await files.write(pathParam(req, 'file'), body, { overwrite: overwrite(req), fullInfo: flag(req, 'full_info') }));
  }));

  router.delete('/userdata/:file', userRoute(async (req, res) => {
    await requestUser(req, deps).files.delete(pathParam(req, 'file'));
    res.status(204).end();
  }));

  router.post('/userdata/:file/move/:dest', userRoute(async (req, res) => {
    const files = requestUser(req, deps).files;
    deps.log(`moving user file "${pathParam(req, 'file')}" -> "${pathParam(req, 'dest')}"`);
    sendJson(res, await files.move(pathParam(req, 'file'), pathParam(req, 'dest'), { overwrite: overwrite(req), fullInfo: flag(req, 'full_info') }));
  }));
}
