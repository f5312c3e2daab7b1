/**
 * Typed errors with a closed set of codes. The codes reuse ComfyUI's wire strings so clients render them as they
 * render ComfyUI's; `dependency_cycle` is ours. Fields are camelCase here; `wire.ts` gives ComfyUI's snake_case.
 */
export type GraphErrorCode =
  | 'invalid_prompt'
  | 'no_prompt'
  | 'prompt_no_outputs'
  | 'prompt_outputs_failed_validation'
  | 'required_input_missing'
  | 'bad_linked_input'
  | 'return_type_mismatch'
  | 'exception_during_inner_validation'
  | 'invalid_input_type'
  | 'value_smaller_than_min'
  | 'value_bigger_than_max'
  | 'value_not_in_list'
  | 'custom_validation_failed'
  | 'exception_during_validation'
  | 'dependency_cycle';

/** One validation problem (on the wire: `{type, message, details, extra_info}`). */
export interface GraphError {
  readonly type: GraphErrorCode;
  readonly message: string;
  readonly details: string;
  /** ComfyUI's `extra_info` dict, published as is (its keys, such as `input_name`, are ComfyUI's). */
  readonly extraInfo: Record<string, unknown>;
}

const MESSAGES: Record<GraphErrorCode, string> = {
  invalid_prompt: '{reason}',
  no_prompt: 'No prompt provided',
  prompt_no_outputs: 'Prompt has no outputs',
  prompt_outputs_failed_validation: 'Prompt outputs failed validation',
  required_input_missing: 'Required input is missing',
  bad_linked_input: 'Bad linked input, must be a length-2 list of [node_id, slot_index]',
  return_type_mismatch: 'Return type mismatch between linked nodes',
  exception_during_inner_validation: 'Exception when validating inner node',
  invalid_input_type: 'Failed to convert an input value to a {type} value',
  value_smaller_than_min: 'Value {value} smaller than min of {min}',
  value_bigger_than_max: 'Value {value} bigger than max of {max}',
  value_not_in_list: 'Value not in list',
  custom_validation_failed: 'Custom validation failed for node',
  exception_during_validation: 'Exception when validating node',
  dependency_cycle: 'Dependency cycle detected',
};

/** Builds a GraphError; `vars` fills the `{name}` holes of the standard message. */
export function graphError(
  type: GraphErrorCode,
  details: string,
  extra: Record<string, unknown> = {},
  vars: Record<string, unknown> = {},
): GraphError {
  const message = MESSAGES[type].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
  return { type, message, details, extraInfo: extra };
}

/** Thrown by `ctx.throwIfInterrupted()`; the engine turns it into `execution_interrupted`. */
export class InterruptedError extends Error {
  constructor() {
    super('Processing interrupted');
    this.name = 'InterruptProcessingException';
  }
}

/** Describes a value's shape for error reports without dumping its data. */
export function summarizeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'string') return v.length > 80 ? JSON.stringify(v.slice(0, 77) + '...') : JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as { length: number }).length})`;
  if (Array.isArray(v)) return `list(${v.length})`;
  const o = v as Record<string, unknown>;
  if ('dims' in o && Array.isArray(o.dims)) return `${String(o.type ?? 'tensor')}[${(o.dims as number[]).join(',')}]`;
  if ('shape' in o && Array.isArray(o.shape)) return `${String(o.dtype ?? 'tensor')}[${(o.shape as number[]).join(',')}]`;
  return (o.constructor?.name ?? 'object');
}

/** A failure inside a node's `run`, with the node it came from and a shape-only summary of its inputs. */
export class NodeExecutionError extends Error {
  constructor(
    readonly nodeId: string,
    readonly nodeType: string,
    override readonly cause: unknown,
    readonly inputsSummary: Record<string, string[]>,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'NodeExecutionError';
  }

  /** The exception class name as ComfyUI reports it (`exception_type`). */
  get exceptionType(): string {
    return this.cause instanceof Error ? this.cause.name : 'Error';
  }

  get traceback(): string[] {
    return this.cause instanceof Error && this.cause.stack ? this.cause.stack.split('\n') : [];
  }
}
