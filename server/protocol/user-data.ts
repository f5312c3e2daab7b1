/**
 * Wire shapes of ComfyUI's user routes (`/users`, `/settings`, `/userdata`; docs/comfyui-protocol.md, "Users and
 * settings"), declared once for the server and the editor. Pure: no Node or DOM imports.
 */
import { z } from 'zod';

/** `GET /users` in single-user mode: settings live on the server and the default user exists. */
export interface SingleUserReply {
  readonly storage: 'server';
  readonly migrated: boolean;
}

/** `GET /users` with `--multi-user`: user id → display name. */
export interface MultiUserReply {
  readonly storage: 'server';
  readonly users: Record<string, string>;
}

/** `POST /users` body. */
export const NewUserBody = z.object({ username: z.string() });

/** `POST /settings` body: settings merged over the stored ones. */
export const SettingsBody = z.record(z.string(), z.unknown());

/** One `/userdata` listing entry with `full_info=true`: a path relative to the listed folder, bytes, ms since epoch. */
export interface UserFileInfo {
  readonly path: string;
  readonly size: number;
  readonly modified: number;
  readonly created: number;
}

/** The header that names the user in `--multi-user` mode. */
export const USER_HEADER = 'comfy-user';
