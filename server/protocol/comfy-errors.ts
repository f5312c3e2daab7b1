/**
 * ComfyUI's error payloads on the wire (docs/comfyui-protocol.md, "Errors"), declared once for the server, the CLI
 * and the editor. Field names are ComfyUI's snake_case; the engine keeps its own camelCase forms and converts at
 * the edge (`server/engine/wire.ts`).
 */

/** One validation problem: `{type, message, details, extra_info}`. */
export interface WireGraphError {
  readonly type: string;
  readonly message: string;
  readonly details: string;
  readonly extra_info: Record<string, unknown>;
}

/** `node_errors[id]`: a node's problems and the outputs that depend on it. */
export interface WireNodeErrorEntry {
  readonly errors: readonly WireGraphError[];
  readonly dependent_outputs: readonly string[];
  readonly class_type: string;
}

/** `node_errors`: node id → its entry. */
export type WireNodeErrors = Record<string, WireNodeErrorEntry>;

/** Every non-2xx API reply: `{error, node_errors}` (the shape ComfyUI's frontend knows how to show). */
export interface WireErrorBody {
  readonly error: WireGraphError;
  readonly node_errors: WireNodeErrors;
}

/** The `execution_error` payload minus `prompt_id`/`timestamp`, which the transport adds. */
export interface WireExecutionError {
  /** The failing node. */
  readonly node_id: string; readonly node_type: string;
  /** Nodes that ran before the failure, and nodes whose outputs were cached at the start. */
  readonly executed: readonly string[]; readonly current_outputs: readonly string[];
  readonly exception_message: string; readonly exception_type: string; readonly traceback: readonly string[];
  /** Shape-only summaries of the failing node's inputs. */
  readonly current_inputs: Record<string, string[]>;
}

/** `error.type` of the API's own (non-validation) errors: a closed set. */
export const HTTP_ERROR_TYPES = ['bad_request', 'invalid_json', 'unauthorized', 'forbidden', 'not_found', 'payload_too_large', 'server_error', 'service_unavailable', 'insufficient_storage'] as const;
export type HttpErrorType = (typeof HTTP_ERROR_TYPES)[number];
