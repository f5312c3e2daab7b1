/** A refused file request. `status` is the HTTP status the API answers with (400 bad name, 403 escape, 404, 413). */
export class FileAccessError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 413,
    message: string,
  ) {
    super(message);
    this.name = 'FileAccessError';
  }
}
