/**
 * The user a request acts for (`comfy-user` header with `--multi-user`), and the translation of the user layer's
 * refusals into ComfyUI's string replies.
 */
import type { Request, RequestHandler } from 'express';
import { USER_HEADER } from '../protocol/user-data.js';
import { SettingsStore } from '../users/settings-store.js';
import { UserDataError } from '../users/user-data-error.js';
import { UserFiles } from '../users/user-files.js';
import { StringHttpError } from './http-error.js';
import type { RouteDeps } from './route-deps.js';

/** A request's user: id, files and settings. */
export interface RequestUser {
  readonly id: string;
  readonly files: UserFiles;
  readonly settings: SettingsStore;
}

/** @throws UserDataError 403 for an unknown user. */
export function requestUser(req: Request, deps: RouteDeps): RequestUser {
  const id = deps.users.userId(req.header(USER_HEADER));
  const root = deps.users.userRoot(id);
  return { id, files: new UserFiles(root), settings: new SettingsStore(root) };
}

/** Wraps a handler so `UserDataError`s answer as ComfyUI does: the status with a plain-text body. */
export function userRoute(handler: (req: Request, res: Parameters<RequestHandler>[1]) => Promise<void> | void): RequestHandler {
  return async (req, res) => {
    try {
      await handler(req, res);
    } catch (err) {
      if (err instanceof UserDataError) throw new StringHttpError(err.status, err.text);
      throw err;
    }
  };
}

/** A named path parameter as one string (express types wildcard parameters as lists). */
export function pathParam(req: Request, name: string): string {
  const v: unknown = (req.params as Record<string, unknown>)[name];
  return Array.isArray(v) ? v.join('/') : String(v ?? '');
}
