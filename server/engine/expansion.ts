/**
 * Node expansion (ComfyUI's `{"result": ..., "expand": graph}`): a node's `run` may return a sub-graph whose
 * nodes join the running prompt, with result values that point at outputs of that sub-graph (`outputLink`).
 * Sub-graph node ids are local to the expansion and namespaced `<parent>.<call>.<local>` when added, so every
 * expansion (and every loop iteration) gets fresh ids; a link to an id that is not local refers to a node of the
 * running prompt. See docs/architecture.md, "Execution".
 */
import { toGraphInput, type GraphInput, type GraphNode } from './graph.js';

/** A sub-graph in ComfyUI's API-prompt form: local id → `{class_type, inputs}`; links are `[id, slot]`. */
export type ExpandGraph = Readonly<Record<string, { readonly class_type: string; readonly inputs?: Readonly<Record<string, unknown>> }>>;

/** A result value that is an output of the expansion (or of any node of the running prompt). */
export class OutputLink {
  constructor(readonly node: string, readonly slot: number) {}
}

/**
 * Points a result slot at output `slot` of node `node` (a local id of the expansion, or a prompt node id).
 * Typed `never` so it fits a slot of any socket type; the engine recognises it by class.
 */
export function outputLink(node: string, slot = 0): never {
  return new OutputLink(node, slot) as never;
}

/** The id an expansion's local node gets in the running prompt. */
export function namespacedId(parent: string, call: number, local: string): string {
  return `${parent}.${call}.${local}`;
}

/** An expansion converted to graph nodes, plus the result links rewritten to namespaced ids. */
export interface NamespacedExpansion {
  readonly nodes: readonly GraphNode[];
  readonly rename: (id: string) => string;
}

/** Converts `expand` (from call `call` of node `parent`) to graph nodes with namespaced ids. */
export function namespaceExpansion(parent: string, call: number, expand: ExpandGraph): NamespacedExpansion {
  const rename = (id: string) => (Object.hasOwn(expand, id) ? namespacedId(parent, call, id) : id);
  const nodes: GraphNode[] = [];
  for (const [local, node] of Object.entries(expand)) {
    const inputs: Record<string, GraphInput> = {};
    for (const [name, value] of Object.entries(node.inputs ?? {})) {
      // Values are wire values, except that constants may be any run-time value (a loop hands its current
      // tensors to the next iteration); only list-shaped values are links.
      const input = Array.isArray(value) ? toGraphInput(value) : { kind: 'const' as const, value };
      inputs[name] = input.kind === 'link' ? { ...input, from: rename(input.from) } : input;
    }
    nodes.push({ id: namespacedId(parent, call, local), classType: node.class_type, inputs });
  }
  return { nodes, rename };
}
