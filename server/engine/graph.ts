/**
 * The engine's own graph form and its one conversion from and to ComfyUI's API prompt. Inputs are tagged, never
 * recognised by their shape (docs/architecture.md, "Tagged values"): the `[node_id, slot]` link form is recognised
 * here and nowhere else.
 */
import type { ApiNode } from '../protocol/api-prompt.js';
import { markFloatLiteral, numberLiteralKind } from '../protocol/json-codec.js';


export type GraphInput =
  /** `floatLiteral`: an integral number the client wrote as a float (`8.0`), written back as one (json-codec.ts). */
  | { readonly kind: 'const'; readonly value: unknown; readonly floatLiteral?: true }
  | { readonly kind: 'link'; readonly from: string; readonly slot: number }
  /** A list that is not a valid [node, slot] pair; kept so validation can report `bad_linked_input`. */
  | { readonly kind: 'bad_link'; readonly value: unknown };

export interface GraphNode {
  readonly id: string;
  readonly classType: string;
  readonly inputs: Readonly<Record<string, GraphInput>>;
  readonly title?: string;
}

/** A prompt graph keyed by node id (ids are strings, as on the wire). */
export type Graph = ReadonlyMap<string, GraphNode>;

/** A wire value is a link when it is a list; a valid one is `[string|number, integer]` (ComfyUI's is_link). */
export function toGraphInput(value: unknown): GraphInput {
  if (value && typeof value === 'object' && !Array.isArray(value) && '__value__' in value) {
    return { kind: 'const', value: (value as { __value__: unknown }).__value__ };
  }
  if (!Array.isArray(value)) return { kind: 'const', value };
  const [from, slot] = value as unknown[];
  if (value.length === 2 && (typeof from === 'string' || typeof from === 'number') && typeof slot === 'number' && Number.isInteger(slot)) {
    return { kind: 'link', from: String(from), slot };
  }
  return { kind: 'bad_link', value };
}

/**
 * One wire node as a graph node (validation converts a prompt node by node, yielding between them). Missing class
 * types are kept as '' for validation to report. `literals`: the inputs object as parsed, whose float-literal
 * marks a schema-parsed copy of it has lost.
 */
export function toGraphNode(id: string, node: ApiNode, literals: object | undefined = node.inputs): GraphNode {
  const inputs: Record<string, GraphInput> = {};
  const given = node.inputs ?? {};
  for (const name of Object.keys(given)) {
    const v = given[name];
    const float = typeof v === 'number' && Number.isInteger(v) && literals !== undefined && numberLiteralKind(literals, name) === 'float';
    inputs[name] = float ? { kind: 'const', value: v, floatLiteral: true } : toGraphInput(v);
  }
  return { id, classType: node.class_type ?? '', inputs, title: node._meta?.title };
}

/** One graph node in the wire form (the normalised prompt stored in the queue and history, node by node). */
export function fromGraphNode(node: GraphNode): ApiNode {
  const inputs: Record<string, unknown> = {};
  for (const [name, input] of Object.entries(node.inputs)) {
    if (input.kind === 'link') inputs[name] = [input.from, input.slot];
    else if (input.kind === 'bad_link') inputs[name] = input.value;
    else {
      inputs[name] = Array.isArray(input.value) ? { __value__: input.value } : input.value;
      if (input.floatLiteral) markFloatLiteral(inputs, name);
    }
  }
  return { class_type: node.classType, inputs, ...(node.title !== undefined ? { _meta: { title: node.title } } : {}) };
}
