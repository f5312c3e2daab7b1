/**
 * Getting workflows in and out of the editor: UI-format JSON (load/save), API-format prompts (load, export), files
 * dropped on the page (`.json`, or a SaveImage PNG whose `workflow`/`prompt` chunk is read) and file downloads.
 */
import { LGraph, LiteGraph, type LGraphNode } from './litegraph.js';
import type { ApiPrompt } from '../../server/protocol/api-prompt.js';
import { detectWorkflowFormat, parseUiWorkflow } from '../../server/protocol/ui-workflow.js';
import { registerPlaceholder } from './node-types.js';
import { workflowFromPng } from './png-text.js';

/** What a load did: the types that had to become red placeholders. */
export interface LoadReport {
  format: 'ui' | 'api';
  missingTypes: string[];
}

/** Loads a UI workflow into `graph`, registering placeholders for unknown types first so no node is dropped. */
export function loadUiWorkflow(graph: LGraph, json: unknown): LoadReport {
  const parsed = parseUiWorkflow(json);
  if (!parsed.ok) throw new Error(parsed.error);
  const missing = [...new Set(parsed.workflow.nodes.map((n) => n.type))].filter(registerPlaceholder);
  // configure() mutates what it is given; keep the caller's object intact.
  graph.configure(structuredClone(json) as never);
  return { format: 'ui', missingTypes: missing };
}

/** Column of each node: 0 for sources, else 1 + the deepest input's column (for laying out API prompts). */
function depths(prompt: ApiPrompt): Map<string, number> {
  const memo = new Map<string, number>();
  const visit = (id: string, seen: Set<string>): number => {
    if (memo.has(id)) return memo.get(id)!;
    if (seen.has(id)) return 0;
    seen.add(id);
    const links = Object.values(prompt[id]?.inputs ?? {}).filter((v): v is [string, number] => Array.isArray(v) && v.length === 2);
    const d = links.length ? 1 + Math.max(...links.map(([from]) => (String(from) in prompt ? visit(String(from), seen) : 0))) : 0;
    memo.set(id, d);
    return d;
  };
  for (const id of Object.keys(prompt)) visit(id, new Set());
  return memo;
}

function setWidgetValues(node: LGraphNode, inputs: Record<string, unknown>): void {
  for (const w of node.widgets ?? []) {
    if (!(w.name in inputs) || Array.isArray(inputs[w.name])) continue;
    const v = inputs[w.name];
    w.value = (v && typeof v === 'object' && '__value__' in v ? (v as { __value__: unknown }).__value__ : v) as never;
  }
}

/** Builds a graph from an API prompt (no positions in that format: nodes are laid out in columns by depth). */
export function loadApiPrompt(graph: LGraph, prompt: ApiPrompt): LoadReport {
  graph.clear();
  const missing = [...new Set(Object.values(prompt).map((n) => String(n.class_type)))].filter(registerPlaceholder);
  const cols = depths(prompt);
  const rows = new Map<number, number>();
  const nodes = new Map<string, LGraphNode>();
  for (const [id, apiNode] of Object.entries(prompt)) {
    const node = LiteGraph.createNode(String(apiNode.class_type), apiNode._meta?.title);
    if (!node) continue;
    if (/^\d+$/.test(id)) node.id = Number(id);
    const col = cols.get(id) ?? 0;
    const row = rows.get(col) ?? 0;
    node.pos = [40 + col * 360, 40 + row];
    rows.set(col, row + node.size[1] + 60);
    graph.add(node);
    setWidgetValues(node, apiNode.inputs ?? {});
    nodes.set(id, node);
  }
  for (const [id, apiNode] of Object.entries(prompt)) {
    const target = nodes.get(id)!;
    for (const [name, v] of Object.entries(apiNode.inputs ?? {})) {
      if (!Array.isArray(v) || v.length !== 2) continue;
      const origin = nodes.get(String(v[0]));
      let slot = target.inputs.findIndex((i) => i.name === name);
      if (slot < 0) slot = target.inputs.push({ name, type: '*', link: null } as never) - 1;
      origin?.connect(Number(v[1]), target, slot);
    }
  }
  return { format: 'api', missingTypes: missing };
}

/** Loads either format (detected from the JSON's shape). */
export function loadAnyWorkflow(graph: LGraph, json: unknown): LoadReport {
  const format = detectWorkflowFormat(json);
  if (format === 'ui') return loadUiWorkflow(graph, json);
  if (format === 'api') return loadApiPrompt(graph, json as ApiPrompt);
  throw new Error('not a workflow: expected a UI workflow (with "nodes") or an API prompt ({id: {class_type, inputs}})');
}

/** Reads a dropped or chosen file: `.json` as either format, PNG through its embedded workflow. */
export async function workflowFromFile(file: File): Promise<unknown> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (file.type === 'image/png' || /\.png$/i.test(file.name)) {
    const found = workflowFromPng(bytes);
    if (!found) throw new Error(`${file.name}: this PNG carries no workflow or prompt`);
    return found.json;
  }
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new Error(`${file.name}: not JSON (${(e as Error).message})`);
  }
}

/** Offers `data` as a JSON file download. */
export function downloadJson(filename: string, data: unknown): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
