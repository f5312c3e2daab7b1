/**
 * Errors that routes throw; `error-handler.ts` is the one place that turns them (and everything else) into
 * responses.
 */
import type { GraphError } from '../engine/errors.js';
import type { NodeErrors } from '../engine/validate.js';
import type { HttpErrorType } from '../protocol/comfy-errors.js';

/** A client error with an HTTP status; `type` (a closed set) becomes the `error.type` of the JSON body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: HttpErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * A prompt that failed validation (or carried none): answered 400 `{error, node_errors}` exactly as ComfyUI does.
 */
export class PromptRejected extends Error {
  constructor(
    readonly error: GraphError,
    readonly nodeErrors: NodeErrors = {},
  ) {
    super(error.message);
    this.name = 'PromptRejected';
  }
}

/**
 * An error that ComfyUI answers with a string rather than the JSON error shape: a plain-text body (`form:
 * 'text'`, maybe empty), or `{"error": message}` (`form: 'json'`), as its user and settings routes do.
 */
export class StringHttpError extends Error {
  constructor(
    readonly status: number,
    readonly text: string,
    readonly form: 'text' | 'json' = 'text',
  ) {
    super(text || `request refused (${status})`);
    this.name = 'StringHttpError';
  }
}
