/**
 * ComfyUI's API prompt format on the wire, and its one conversion into the engine's tagged graph. The
 * `[node_id, slot]` link form is recognised here and nowhere else.
 */
import { z } from 'zod';
import type { Graph, GraphInput, GraphNode } from '../engine/graph.js';

/** One node of an API-format prompt: `{class_type, inputs, _meta}`. */
export const apiNodeSchema = z
  .object({
    class_type: z.string().optional(),
    inputs: z.record(z.string(), z.unknown()).optional().default({}),
    _meta: z.object({ title: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();
export type ApiNode = z.infer<typeof apiNodeSchema>;

/** An API-format prompt: node id → node. */
export const apiPromptSchema = z.record(z.string(), apiNodeSchema);
export type ApiPrompt = z.infer<typeof apiPromptSchema>;

/** The body of `POST /prompt`. */
export const promptRequestSchema = z
  .object({
    prompt: z.unknown().optional(),
    client_id: z.string().optional(),
    prompt_id: z.string().min(1).optional(),
    number: z.number().optional(),
    front: z.unknown().optional(),
    partial_execution_targets: z.array(z.union([z.string(), z.number()]).transform(String)).optional(),
    extra_data: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();
export type PromptRequest = z.infer<typeof promptRequestSchema>;

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
  for (const [id, node] of Object.entries(prompt)) {
    const inputs: Record<string, GraphInput> = {};
    for (const [name, v] of Object.entries(node.inputs ?? {})) inputs[name] = toGraphInput(v);
    graph.set(id, { id, classType: node.class_type ?? '', inputs, title: node._meta?.title });
  }
  return graph;
}

/** Converts back to the wire form (used to store the normalised prompt in the queue and history). */
export function fromGraph(graph: Graph): ApiPrompt {
  const out: ApiPrompt = {};
  for (const [id, node] of graph) {
    const inputs: Record<string, unknown> = {};
    for (const [name, input] of Object.entries(node.inputs)) {
      if (input.kind === 'link') inputs[name] = [input.from, input.slot];
      else if (input.kind === 'bad_link') inputs[name] = input.value;
      else inputs[name] = Array.isArray(input.value) ? { __value__: input.value } : input.value;
    }
    out[id] = { class_type: node.classType, inputs, ...(node.title !== undefined ? { _meta: { title: node.title } } : {}) };
  }
  return out;
}
