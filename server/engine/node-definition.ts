/**
 * A node is plain data plus one `run` (STYLE §1). `defineNode` only checks and freezes the definition; its real
 * job is type inference: `run` receives inputs typed from the zod schemas of the input specs.
 */
import type { z } from 'zod';
import type { HiddenKind, InputSpec } from './inputs.js';

/** Declared outputs, in slot order. `isList` marks a ComfyUI list output (OUTPUT_IS_LIST). */
export interface OutputDecl {
  readonly type: string;
  readonly name?: string;
  readonly isList?: boolean;
  readonly tooltip?: string;
}

export interface InputsDecl {
  readonly required?: Readonly<Record<string, InputSpec>>;
  readonly optional?: Readonly<Record<string, InputSpec>>;
  readonly hidden?: Readonly<Record<string, HiddenKind>>;
}

type ValueOf<S> = S extends { schema: z.ZodType<infer T> } ? T : never;
type HiddenValue<K> = K extends 'PROMPT' ? Record<string, unknown> : K extends 'EXTRA_PNGINFO' ? Record<string, unknown> | undefined : string;

/** The `run` inputs of a node: required values, optional values (possibly undefined) and hidden values. */
export type InputsOf<I extends InputsDecl> = {
  -readonly [K in keyof I['required']]: ValueOf<I['required'][K]>;
} & {
  -readonly [K in keyof I['optional']]?: ValueOf<I['optional'][K]>;
} & {
  -readonly [K in keyof I['hidden']]: HiddenValue<I['hidden'][K]>;
};

/**
 * Services handed to nodes through `ctx`. Layers that own a service (the model runtime, the data directory)
 * add their members by declaration merging, so the engine stays free of them.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface NodeServices {}

/** An encoded preview image sent to clients as a binary WS frame. */
export interface PreviewImage {
  readonly format: 'jpeg' | 'png';
  readonly data: Uint8Array;
}

/** What a running node can see and do. */
export interface NodeContext {
  readonly nodeId: string;
  readonly nodeType: string;
  readonly promptId: string;
  /** Aborted on interrupt; long-running work should pass it on or call `throwIfInterrupted()`. */
  readonly signal: AbortSignal;
  readonly services: NodeServices;
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

/** A node's result: one value per declared output slot (an array for list outputs) and optional UI output. */
export interface NodeResult {
  readonly outputs?: readonly unknown[];
  readonly ui?: NodeUi;
}

export interface NodeDefinition<I extends InputsDecl = InputsDecl> {
  /** Class name as used in prompts (ComfyUI's class_type). */
  readonly type: string;
  readonly category: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly inputs: I;
  readonly outputs: readonly OutputDecl[];
  /** True for nodes that are execution targets (SaveImage, ShowScores...). */
  readonly outputNode?: boolean;
  /** Receive every input as a whole list instead of being called once per list item (INPUT_IS_LIST). */
  readonly inputIsList?: boolean;
  /** Bumped when the node's behaviour changes, so stale cache entries are not reused. */
  readonly version?: number;
  /** ComfyUI's IS_CHANGED: extra cache-key material computed from constant inputs. NaN means "always re-run". */
  readonly fingerprint?: (inputs: Record<string, unknown>, services: NodeServices) => unknown | Promise<unknown>;
  /** Custom validation over constant inputs; return true or a message (custom_validation_failed). */
  readonly validate?: (inputs: Record<string, unknown>, services: NodeServices) => true | string;
  /** Lazy inputs: returns the names of lazy inputs still needed given the ones evaluated so far. */
  readonly checkLazy?: (inputs: Partial<InputsOf<I>>) => readonly string[];
  readonly run: (ctx: NodeContext, inputs: InputsOf<I>) => NodeResult | Promise<NodeResult>;
}

/** Defines a node; see `NodeDefinition`. Throws on definitions that could never validate. */
export function defineNode<const I extends InputsDecl>(def: NodeDefinition<I>): NodeDefinition<I> {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*$/.test(def.type)) throw new Error(`invalid node type name "${def.type}"`);
  const names = [...Object.keys(def.inputs.required ?? {}), ...Object.keys(def.inputs.optional ?? {}), ...Object.keys(def.inputs.hidden ?? {})];
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`node ${def.type}: input "${dup}" is declared twice`);
  return Object.freeze(def);
}

/** The type-erased form the registry stores. */
export type AnyNodeDefinition = NodeDefinition<any>;
