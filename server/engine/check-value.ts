/**
 * Checks one constant input against its widget spec: coercion (invalid_input_type), numeric bounds and combo
 * membership. Returns the coerced value or the error.
 */
import { graphError, type GraphError } from './errors.js';
import { boolean, comboChoices, float, int, string, type InputSpec } from './inputs.js';
import { wireSpec } from './object-info.js';

/**
 * How a constant is checked: `ownedByNode` (the node's `validate` covers the input) leaves min/max and combo
 * membership to the node, as ComfyUI does for inputs named by VALIDATE_INPUTS.
 */
export interface CheckOptions {
  readonly services?: unknown;
  readonly ownedByNode?: boolean;
}

/** ComfyUI converts constants only for these types (int(), float(), str(), bool()); any other type takes them as they are. */
const PRIMITIVE_SCHEMAS = { INT: int().schema, FLOAT: float().schema, STRING: string().schema, BOOLEAN: boolean().schema } as const;

export type ValueCheck = { ok: true; value: unknown } | { ok: false; error: GraphError };

function compare(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const ba = typeof a === 'bigint' ? a : BigInt(Math.trunc(a));
  const bb = typeof b === 'bigint' ? b : BigInt(Math.trunc(b));
  return ba < bb ? -1 : ba > bb ? 1 : 0;
}

function boundsExtra(name: string, spec: InputSpec, value: number | bigint): Record<string, unknown> {
  return { input_name: name, input_config: wireSpec(spec), received_value: value };
}

function boundsError(name: string, spec: InputSpec, value: number | bigint): GraphError | undefined {
  if (spec.kind !== 'INT' && spec.kind !== 'FLOAT') return undefined;
  const { min, max } = spec.options;
  if (min !== undefined && compare(value, min) < 0) {
    return graphError('value_smaller_than_min', `${name}`, boundsExtra(name, spec, value), { value, min });
  }
  if (max !== undefined && compare(value, max) > 0) {
    return graphError('value_bigger_than_max', `${name}`, boundsExtra(name, spec, value), { value, max });
  }
  return undefined;
}

function summarizeChoices(choices: readonly string[]): string {
  return choices.length > 20 ? `(list of length ${choices.length})` : JSON.stringify(choices);
}

/** Validates and coerces the constant `value` given for input `name`. */
export function checkConstant(name: string, spec: InputSpec, value: unknown, options: CheckOptions = {}): ValueCheck {
  const schema = spec.kind === 'SOCKET' ? PRIMITIVE_SCHEMAS[spec.type as keyof typeof PRIMITIVE_SCHEMAS] : spec.schema;
  // A constant on a socket of any other type (`*`, `IMAGE,FLOAT`, a pack's own type) is the node's business.
  if (!schema) return { ok: true, value };
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => i.message).join('; ');
    const err = graphError('invalid_input_type', `${name}, ${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}, ${message}`, {
      input_name: name,
      input_config: wireSpec(spec),
      received_value: value,
      exception_message: message,
    }, { type: spec.kind === 'SOCKET' ? spec.type : spec.kind });
    return { ok: false, error: err };
  }
  const v = parsed.data as unknown;
  if (options.ownedByNode) return { ok: true, value: v };
  if (typeof v === 'number' || typeof v === 'bigint') {
    const err = boundsError(name, spec, v);
    if (err) return { ok: false, error: err };
  }
  if (spec.kind === 'COMBO') {
    const choices = comboChoices(spec, options.services);
    if (!choices.includes(v as string)) {
      const listed = choices.length > 20 ? null : wireSpec(spec, options.services);
      const err = graphError('value_not_in_list', `${name}: '${String(v)}' not in ${summarizeChoices(choices)}`, {
        input_name: name,
        input_config: listed,
        received_value: v,
      });
      return { ok: false, error: err };
    }
  }
  return { ok: true, value: v };
}
