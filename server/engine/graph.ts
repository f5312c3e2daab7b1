/**
 * The engine's own graph form and its one conversion from and to ComfyUI's API prompt. Inputs are tagged, never
 * recognised by their shape (docs/architecture.md, "Tagged values"): the `[node_id, slot]` link form is recognised
 * here and nowhere else.
 */
import type { ApiNode, ApiPrompt } from '../protocol/api-prompt.js';
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

/** Converts the wire prompt to the engine graph. Missing class types are kept as '' for validation to report. */
export function toGraph(prompt: ApiPrompt): Graph {
  const graph = new Map<string, GraphNode>();
  for (const [id, node] of Object.entries(prompt)) graph.set(id, toGraphNode(id, node));
  return graph;
}

/** One wire node as a graph node (`toGraph`, node by node). */
/** `literals`: the inputs object as parsed, whose float-literal marks a schema-parsed copy of it has lost. */
export function toGraphNode(id: string, node: ApiNode, literals: object | undefined = node.inputs): GraphNode {
  const inputs: Record<string, GraphInput> = {};
  for (const [name, v] of Object.entries(node.inputs ?? {})) {
    const float = typeof v === 'number' && Number.isInteger(v) && literals !== undefined && numberLiteralKind(literals, name) === 'float';
    inputs[name] = float ? { kind: 'const', value: v, floatLiteral: true } : toGraphInput(v);
  }
  return { id, classType: node.class_type ?? '', inputs, title: node._meta?.title };
}

/** Converts back to the wire form (used to store the normalised prompt in the queue and history). */
export function fromGraph(graph: Graph): ApiPrompt {
  const out: ApiPrompt = {};
  for (const [id, node] of graph) out[id] = fromGraphNode(node);
  return out;
}

/** One graph node in the wire form (`fromGraph`, node by node). */
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
