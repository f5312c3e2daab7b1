/**
 * Input specs: the one source of truth for a node's inputs. Each spec carries a zod schema (which gives the TS
 * type through `z.infer` and coerces wire values) plus the ComfyUI options that `/object_info` publishes.
 */
import { z } from 'zod';
import type { SocketType } from './socket-type.js';

/** Options shared by every input; `/object_info` publishes them under ComfyUI's names (`wireOptions`). */
export interface CommonOptions {
  tooltip?: string;
  /** Show as a socket instead of a widget in the editor. */
  forceInput?: boolean;
  /** ComfyUI lazy input: the source is only evaluated when `checkLazy` asks for it. */
  lazy?: boolean;
  /** ComfyUI rawLink: the node gets the link itself (`[node_id, slot]`) and the source is not evaluated. */
  rawLink?: boolean;
}

export interface IntOptions extends CommonOptions {
  default?: number | bigint;
  min?: number | bigint;
  max?: number | bigint;
  step?: number;
  /** Adds the editor's fixed/increment/randomize control after this widget. */
  controlAfterGenerate?: boolean;
  /** Keep the value as a bigint so 64-bit seeds survive without rounding. */
  big?: boolean;
}
export interface FloatOptions extends CommonOptions {
  default?: number;
  min?: number;
  max?: number;
  step?: number;
  round?: number | false;
}
export interface StringOptions extends CommonOptions {
  default?: string;
  multiline?: boolean;
  placeholder?: string;
  dynamicPrompts?: boolean;
}
export interface BooleanOptions extends CommonOptions {
  default?: boolean;
  labelOn?: string;
  labelOff?: string;
}
export interface ComboOptions extends CommonOptions {
  default?: string;
  /** Adds the editor's image upload button (LoadImage). */
  imageUpload?: boolean;
  controlAfterGenerate?: boolean;
}

/**
 * A source of combo choices: fixed, or computed when `/object_info` or validation asks (model store listings).
 * The engine passes the services it was given through without looking at them; the node layer owns their type
 * (`nodes/services.ts`), so a listing function declares its parameter with that type.
 */
export type ChoiceSource = readonly string[] | ((services?: never) => readonly string[]);

interface SpecBase<T> {
  /** Wire type: INT, FLOAT, STRING, BOOLEAN, COMBO or a socket type such as IMAGE. */
  readonly type: string;
  readonly schema: z.ZodType<T>;
}
export interface IntSpec<T = number> extends SpecBase<T> {
  readonly kind: 'INT';
  readonly options: IntOptions;
}
export interface FloatSpec extends SpecBase<number> {
  readonly kind: 'FLOAT';
  readonly options: FloatOptions;
}
export interface StringSpec extends SpecBase<string> {
  readonly kind: 'STRING';
  readonly options: StringOptions;
}
export interface BooleanSpec extends SpecBase<boolean> {
  readonly kind: 'BOOLEAN';
  readonly options: BooleanOptions;
}
export interface ComboSpec<T extends string = string> extends SpecBase<T> {
  readonly kind: 'COMBO';
  readonly options: ComboOptions;
  readonly choices: ChoiceSource;
}
export interface SocketSpec<T = unknown> extends SpecBase<T> {
  readonly kind: 'SOCKET';
  readonly options: CommonOptions;
}

export type WidgetSpec = IntSpec<number> | IntSpec<bigint> | FloatSpec | StringSpec | BooleanSpec | ComboSpec;
export type InputSpec = WidgetSpec | SocketSpec<any>;

/**
 * Values that the editor never shows; the engine injects them (ComfyUI's hidden inputs). The Comfy.org
 * credentials come from the prompt's `extra_data` (`auth_token_comfy_org`, `api_key_comfy_org`), which the
 * queue keeps in memory only.
 */
export type HiddenKind = 'PROMPT' | 'EXTRA_PNGINFO' | 'UNIQUE_ID' | 'DYNPROMPT' | 'AUTH_TOKEN_COMFY_ORG' | 'API_KEY_COMFY_ORG';

/** The value a rawLink input receives: ComfyUI's `[node_id, slot]`. */
export type RawLinkValue = readonly [string, number];

/** Python's `int(v)`, minus its quirks we don't want: only finite numbers and numeric strings. */
function toIntegerNumber(v: unknown): number | bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) {
    const big = BigInt(v.trim());
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Math.trunc(Number(v));
  return undefined;
}

const intNumberSchema = z.unknown().transform((v, ctx) => {
  const n = toIntegerNumber(v);
  if (n === undefined) {
    ctx.addIssue({ code: 'custom', message: `invalid literal for int() with base 10: ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  if (typeof n === 'bigint') {
    ctx.addIssue({ code: 'custom', message: `integer ${n} is outside the safe range; this input is not 64-bit` });
    return z.NEVER;
  }
  return n;
});

const intBigSchema = z.unknown().transform((v, ctx) => {
  const n = toIntegerNumber(v);
  if (n === undefined) {
    ctx.addIssue({ code: 'custom', message: `invalid literal for int() with base 10: ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return BigInt(n);
});

const floatSchema = z.unknown().transform((v, ctx) => {
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (Number.isNaN(n)) {
    ctx.addIssue({ code: 'custom', message: `could not convert to float: ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return n;
});

const stringSchema = z.unknown().transform((v, ctx) => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  ctx.addIssue({ code: 'custom', message: `expected a string, got ${v === null ? 'null' : typeof v}` });
  return z.NEVER;
});

// Stricter than Python's bool(): "false" means false, and objects are rejected rather than truthy.
const booleanSchema = z.unknown().transform((v, ctx) => {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (v === 'true' || v === 'True' || v === '1') return true;
  if (v === 'false' || v === 'False' || v === '0' || v === '') return false;
  ctx.addIssue({ code: 'custom', message: `expected a boolean, got ${JSON.stringify(v)}` });
  return z.NEVER;
});

/** An INT widget. With `big: true` the value is a bigint (seeds up to 2^64−1). */
export function int(options: IntOptions & { big: true }): IntSpec<bigint>;
export function int(options?: IntOptions): IntSpec<number>;
export function int(options: IntOptions = {}): IntSpec<number> | IntSpec<bigint> {
  return options.big
    ? { kind: 'INT', type: 'INT', options, schema: intBigSchema }
    : { kind: 'INT', type: 'INT', options, schema: intNumberSchema };
}
/** A FLOAT widget. */
export function float(options: FloatOptions = {}): FloatSpec {
  return { kind: 'FLOAT', type: 'FLOAT', options, schema: floatSchema };
}
/** A STRING widget. */
export function string(options: StringOptions = {}): StringSpec {
  return { kind: 'STRING', type: 'STRING', options, schema: stringSchema };
}
/** A BOOLEAN widget. */
export function boolean(options: BooleanOptions = {}): BooleanSpec {
  return { kind: 'BOOLEAN', type: 'BOOLEAN', options, schema: booleanSchema };
}
/** A COMBO widget with a fixed list (typed as the literal union) or a list computed on demand. */
export function combo<const T extends string>(choices: readonly T[], options?: ComboOptions): ComboSpec<T>;
export function combo<S>(choices: (services?: S) => readonly string[], options?: ComboOptions): ComboSpec<string>;
export function combo(choices: ChoiceSource, options: ComboOptions = {}): ComboSpec<string> {
  return { kind: 'COMBO', type: 'COMBO', options, choices, schema: stringSchema };
}
/**
 * A socket input such as IMAGE or MODEL; its value type comes from the socket type. Links are type-checked by
 * name at validation, so the schema does not inspect the value.
 */
export function socket<T>(type: SocketType<T>, options: CommonOptions = {}): SocketSpec<T> {
  return { kind: 'SOCKET', type: type.name, options, schema: z.custom<T>(() => true) };
}

/** A rawLink socket input: the node receives the link (`[node_id, slot]`), and the source is not evaluated for it. */
export function rawLink(type: SocketType<unknown>, options: CommonOptions = {}): SocketSpec<RawLinkValue> {
  return { kind: 'SOCKET', type: type.name, options: { ...options, rawLink: true }, schema: z.custom<RawLinkValue>(() => true) };
}

/** Resolves a combo's current choices; `services` is handed to a listing function as it came. */
export function comboChoices(spec: ComboSpec, services?: unknown): readonly string[] {
  return typeof spec.choices === 'function' ? spec.choices(services as never) : spec.choices;
}
