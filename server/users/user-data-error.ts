/**
 * A refused user-data request. ComfyUI answers these with a plain-text body (often empty), not the JSON error
 * shape, so `text` is what the client sees (app/user_manager.py).
 */
export class UserDataError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    readonly text = '',
  ) {
    super(text || `user data request refused (${status})`);
    this.name = 'UserDataError';
  }
}
