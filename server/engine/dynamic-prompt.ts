/**
 * The running prompt as nodes see it through the DYNPROMPT hidden input (ComfyUI's DynamicPrompt): the prompt's
 * nodes plus the ones expansions added while it runs, with each added node's parent.
 */
import { fromGraphNode, type Graph, type GraphNode } from './graph.js';

/** A node as DYNPROMPT shows it, in API-prompt form (links are `[id, slot]`). */
export interface DynamicPromptNode {
  readonly class_type: string;
  readonly inputs: Readonly<Record<string, unknown>>;
}

/** Read-only view handed to nodes. */
export interface DynamicPromptView {
  has(id: string): boolean;
  getNode(id: string): DynamicPromptNode | undefined;
  nodeIds(): string[];
  /** The node whose expansion added `id`, or undefined for prompt nodes. */
  parentOf(id: string): string | undefined;
  /** The prompt node at the root of `id`'s expansion chain (`id` itself for prompt nodes). */
  realNodeId(id: string): string;
}

/** The mutable graph the executor runs: the prompt's nodes plus ephemeral ones. */
export class DynamicPrompt implements DynamicPromptView {
  readonly #nodes: Map<string, GraphNode>;
  readonly #parents = new Map<string, string>();

  constructor(graph: Graph) {
    this.#nodes = new Map(graph);
  }

  /** The graph including every node added so far (a live view: it grows with expansions). */
  get graph(): Graph {
    return this.#nodes;
  }

  /** Adds an expansion's node under `parent`. */
  addEphemeral(node: GraphNode, parent: string): void {
    this.#nodes.set(node.id, node);
    this.#parents.set(node.id, parent);
  }

  has(id: string): boolean {
    return this.#nodes.has(id);
  }

  getNode(id: string): DynamicPromptNode | undefined {
    const node = this.#nodes.get(id);
    if (!node) return undefined;
    const wire = fromGraphNode(node);
    return { class_type: wire.class_type ?? '', inputs: wire.inputs ?? {} };
  }

  nodeIds(): string[] {
    return [...this.#nodes.keys()];
  }

  parentOf(id: string): string | undefined {
    return this.#parents.get(id);
  }

  realNodeId(id: string): string {
    let cur = id;
    for (let p = this.#parents.get(cur); p !== undefined; p = this.#parents.get(cur)) cur = p;
    return cur;
  }
}
