/**
 * Who a request acts for. Single-user mode has the one user `default`; `--multi-user` keeps ComfyUI's
 * `user/users.json` (id → display name) and reads the id from the `comfy-user` header.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserDataError } from './user-data-error.js';

/** The user of single-user mode and of requests without a `comfy-user` header. */
export const DEFAULT_USER = 'default';

/** ComfyUI's prefix of system users (`__…`): never a public user, never creatable. */
const SYSTEM_USER_PREFIX = '__';

/** A refused `POST /users` (ComfyUI answers 400 `{"error": message}`). */
export class NewUserRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NewUserRefused';
  }
}

export interface UserRegistryOptions {
  /** The data directory's `user/` folder. */
  readonly root: string;
  readonly multiUser: boolean;
}

/** The users, and the mapping from a request's header to a user id. */
export class UserRegistry {
  readonly root: string;
  readonly multiUser: boolean;
  readonly #users: Record<string, string>;

  constructor(options: UserRegistryOptions) {
    this.root = path.resolve(options.root);
    this.multiUser = options.multiUser;
    mkdirSync(this.root, { recursive: true });
    this.#users = options.multiUser ? this.#load() : { [DEFAULT_USER]: DEFAULT_USER };
    // The default user's folder exists from the start, so the ComfyUI frontend sees `migrated: true` and does not
    // try to migrate browser-stored settings.
    if (!options.multiUser) mkdirSync(path.join(this.root, DEFAULT_USER), { recursive: true });
  }

  get #file(): string {
    return path.join(this.root, 'users.json');
  }

  #load(): Record<string, string> {
    if (!existsSync(this.#file)) return {};
    const parsed: unknown = JSON.parse(readFileSync(this.#file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${this.#file} is not a JSON object`);
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }

  /** User id → display name (a copy). */
  users(): Record<string, string> {
    return { ...this.#users };
  }

  /**
   * The user a request acts for: the `comfy-user` header in multi-user mode, else `default`.
   * @throws UserDataError 403 for an unknown or system user (one message for both, so ids cannot be probed).
   */
  userId(header: string | undefined): string {
    const user = this.multiUser && header !== undefined ? header : DEFAULT_USER;
    if (user.startsWith(SYSTEM_USER_PREFIX) || !Object.hasOwn(this.#users, user)) throw new UserDataError(403, `Unknown user: ${user}`);
    return user;
  }

  /** A user's folder (`user/<id>`). */
  userRoot(user: string): string {
    return path.join(this.root, user);
  }

  /**
   * Adds a user, as ComfyUI: the id is the name with runs of other characters than `[a-zA-Z0-9-_]` replaced by
   * `-`, plus `_<uuid>`. Returns the id.
   * @throws NewUserRefused for an empty, duplicate or system name.
   */
  addUser(username: string): string {
    if (Object.values(this.#users).includes(username)) throw new NewUserRefused('Duplicate username.');
    const name = username.trim();
    if (!name) throw new NewUserRefused('username not provided');
    const base = name.replace(/[^a-zA-Z0-9\-_]+/g, '-');
    if (name.startsWith(SYSTEM_USER_PREFIX) || base.startsWith(SYSTEM_USER_PREFIX)) throw new NewUserRefused('System User prefix not allowed');
    const id = `${base}_${randomUUID()}`;
    this.#users[id] = name;
    const tmp = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.#users));
    renameSync(tmp, this.#file);
    return id;
  }
}
