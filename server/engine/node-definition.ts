/**
 * A node is plain data plus one `run` (docs/architecture.md, "Nodes"). `defineNode` only checks and freezes the
 * definition; its real job is type inference: `run` receives inputs typed from the zod schemas of the input specs
 * and must return values of the types its outputs declare.
 */
import type { z } from 'zod';
import type { HiddenKind, InputSpec } from './inputs.js';
import type { DynamicPromptView } from './dynamic-prompt.js';
import type { ExpandGraph } from './expansion.js';
import type { SocketType } from './socket-type.js';

/** One declared output. `isList` marks a ComfyUI list output (OUTPUT_IS_LIST): `run` returns an array for it. */
export interface OutputDecl<T = any> {
  readonly type: SocketType<T>;
  readonly name?: string;
  readonly isList?: boolean;
  readonly tooltip?: string;
}

/** Declared outputs, in slot order. */
export type OutputsDecl = readonly OutputDecl[];

export interface InputsDecl {
  readonly required?: Readonly<Record<string, InputSpec>>;
  readonly optional?: Readonly<Record<string, InputSpec>>;
  readonly hidden?: Readonly<Record<string, HiddenKind>>;
}

type ValueOf<S> = S extends { schema: z.ZodType<infer T> } ? T : never;
type HiddenValue<K> = K extends 'PROMPT'
  ? Record<string, unknown>
  : K extends 'EXTRA_PNGINFO'
    ? Record<string, unknown> | undefined
    : K extends 'DYNPROMPT'
      ? DynamicPromptView
      : K extends 'AUTH_TOKEN_COMFY_ORG' | 'API_KEY_COMFY_ORG'
        ? string | undefined
        : string;

/** The `run` inputs of a node: required values, optional values (possibly undefined) and hidden values. */
export type InputsOf<I extends InputsDecl> = {
  -readonly [K in keyof I['required']]: ValueOf<I['required'][K]>;
} & {
  -readonly [K in keyof I['optional']]?: ValueOf<I['optional'][K]>;
} & {
  -readonly [K in keyof I['hidden']]: HiddenValue<I['hidden'][K]>;
};

/** What `validate` gets besides the inputs: the socket type arriving on each linked input. */
export interface ValidateInfo {
  readonly inputTypes: Readonly<Record<string, string>>;
}

/** An encoded preview image sent to clients as a binary WS frame. */
export interface PreviewImage {
  readonly format: 'jpeg' | 'png';
  readonly data: Uint8Array;
  /**
   * The image is the node's result, not a step preview (SaveImageWebsocket): it is sent whatever the prompt's
   * preview method, as ComfyUI sends every image a node hands its progress bar.
   */
  readonly isOutput?: boolean;
}

/**
 * What a running node can see and do. `S` is the services type: the engine hands over whatever services it was
 * created with and never looks inside; the node layer owns their type (`nodes/services.ts`).
 */
export interface NodeContext<S = unknown> {
  readonly nodeId: string;
  readonly nodeType: string;
  readonly promptId: string;
  /** Aborted on interrupt; long-running work should pass it on or call `throwIfInterrupted()`. */
  readonly signal: AbortSignal;
  readonly services: S;
  /** Reports per-step progress and is an interrupt check point (it throws when interrupted). */
  progress(value: number, max: number, preview?: PreviewImage): void;
  /** Throws `InterruptedError` when the prompt was interrupted. */
  throwIfInterrupted(): void;
  /** Sends a text line for this node (ComfyUI binary frame type 3). */
  text(message: string): void;
  log(message: string): void;
}

/** UI output of a node: each key holds a list, merged by concatenation across list calls (ComfyUI semantics). */
export type NodeUi = Record<string, unknown[]>;

type OutputValue<D> = D extends { readonly type: SocketType<infer T> } ? (D extends { readonly isList: true } ? readonly T[] : T) : never;

/**
 * The values `run` returns for declared outputs `O`: one per slot, of the slot's socket type. A slot may also
 * hold `blockExecution(...)` or, with `expand`, an `outputLink(...)`; both are typed `never` so they fit any slot.
 */
export type OutputValues<O extends OutputsDecl> = { readonly [K in keyof O]: OutputValue<O[K]> };

/**
 * A node's result: one value per declared output slot (an array for list outputs) and optional UI output. A node
 * without outputs may leave `outputs` out. `expand` adds a sub-graph to the running prompt (ComfyUI's node
 * expansion; result slots then usually are `outputLink`s into it).
 */
export type NodeResult<O extends OutputsDecl = OutputsDecl> = (O extends readonly []
  ? { readonly outputs?: readonly [] }
  : { readonly outputs: OutputValues<O> }) & { readonly ui?: NodeUi; readonly expand?: ExpandGraph };

/** A node definition: inputs `I`, outputs `O`, services type `S` (see `NodeContext`). */
export interface NodeDefinition<I extends InputsDecl = InputsDecl, O extends OutputsDecl = OutputsDecl, S = unknown> {
  /** Class name as used in prompts (ComfyUI's class_type). */
  readonly type: string;
  readonly category: string;
  readonly displayName?: string;
  /**
   * The third-party node pack (a folder under `custom_nodes/`) this node comes from; `/object_info` reports it as
   * `python_module: custom_nodes.<pack>`. Built-in nodes leave it out (`python_module: nodes`).
   */
  readonly pack?: string;
  readonly description?: string;
  readonly inputs: I;
  readonly outputs: O;
  /** True for nodes that are execution targets (SaveImage, ShowScores...). */
  readonly outputNode?: boolean;
  /** Receive every input as a whole list instead of being called once per list item (INPUT_IS_LIST). */
  readonly inputIsList?: boolean;
  /** Bumped when the node's behaviour changes, so stale cache entries are not reused. */
  readonly version?: number;
  /** ComfyUI's IS_CHANGED: extra cache-key material computed from constant inputs. NaN means "always re-run". */
  readonly fingerprint?: (inputs: Record<string, unknown>, services: S) => unknown | Promise<unknown>;
  /**
   * Custom validation (ComfyUI's VALIDATE_INPUTS), possibly async. It receives the constant inputs it covers
   * (`validates`; linked ones are absent, their values exist only at run time) and, in `info.inputTypes`, the
   * socket type linked to each linked input. Return true or a message (custom_validation_failed).
   */
  readonly validate?: (inputs: Partial<InputsOf<I>>, services: S, info: ValidateInfo) => true | string | Promise<true | string>;
  /**
   * The inputs `validate` covers (ComfyUI: the parameters of VALIDATE_INPUTS; default every input, as `**kwargs`).
   * A covered input's min/max and combo-membership checks are the node's own job and are not done for it.
   */
  readonly validates?: readonly string[];
  /**
   * `validate` checks link types itself (ComfyUI: VALIDATE_INPUTS takes `input_types`): links into this node
   * skip the built-in type check.
   */
  readonly validatesInputTypes?: boolean;
  /**
   * ComfyUI's check_lazy_status: called (once per list item) with the inputs available so far, lazy inputs not
   * yet evaluated being undefined; returns the names of lazy inputs it still needs. It is called again after
   * those ran, until it asks for nothing new; then `run` gets the lazy inputs never asked for as undefined.
   */
  readonly checkLazy?: (inputs: Partial<InputsOf<I>>, ctx: NodeContext<S>) => readonly string[] | Promise<readonly string[]>;
  readonly run: (ctx: NodeContext<S>, inputs: InputsOf<I>) => NodeResult<O> | Promise<NodeResult<O>>;
}

/** Defines a node; see `NodeDefinition`. Throws on definitions that could never validate. */
export function defineNode<const I extends InputsDecl, const O extends OutputsDecl, S = unknown>(def: NodeDefinition<I, O, S>): NodeDefinition<I, O, S> {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*$/.test(def.type)) throw new Error(`invalid node type name "${def.type}"`);
  const names = [...Object.keys(def.inputs.required ?? {}), ...Object.keys(def.inputs.optional ?? {}), ...Object.keys(def.inputs.hidden ?? {})];
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`node ${def.type}: input "${dup}" is declared twice`);
  return Object.freeze(def);
}

/** The type-erased form the registry stores. */
export type AnyNodeDefinition = NodeDefinition<any, any, any>;
