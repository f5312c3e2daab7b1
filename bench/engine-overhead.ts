/**
 * Engine overhead per node: validate + execute a 1,000-node graph of trivial nodes (chain and diamond shapes),
 * against calling the same `run` functions directly in topological order.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataDirs } from '../server/data-dir.js';
import { Engine } from '../server/engine/engine.js';
import { NodeRegistry } from '../server/engine/registry.js';
import { testServices } from '../test/support/services.js';
import { stubNodes } from '../test/support/stub-nodes.js';
import { chainPrompt, diamondPrompt } from '../test/support/graph-builder.js';
import type { NodeContext } from '../server/engine/node-definition.js';

export interface EngineOverheadFigures {
  shape: string;
  nodes: number;
  directMs: number;
  validateMs: number;
  executeMs: number;
  totalMs: number;
  overheadUsPerNode: number;
  ratio: number;
}

type Prompt = Record<string, { class_type: string; inputs: Record<string, unknown> }>;

/** Calls each node's `run` directly, in an order where links are already computed (ids ascend topologically). */
async function runDirect(prompt: Prompt, registry: NodeRegistry, ctx: NodeContext): Promise<void> {
  const values = new Map<string, unknown[]>();
  for (const id of Object.keys(prompt).sort((a, b) => Number(a) - Number(b))) {
    const node = prompt[id]!;
    const args: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node.inputs)) args[k] = Array.isArray(v) ? values.get(v[0] as string)![v[1] as number] : v;
    const r = await registry.get(node.class_type)!.run(ctx, args as never);
    values.set(id, [...(r.outputs ?? [])]);
  }
}

/** An engine over the stub nodes, with the classic result cache. */
function stubEngine(registry: NodeRegistry): Engine {
  return new Engine({ registry, services: testServices(), cache: { mode: 'classic' } });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Measures one shape; the median of `repeats` runs, after a warm-up. */
export async function benchEngineOverhead(shape: 'chain' | 'diamond', nodes = 1000, repeats = 15): Promise<EngineOverheadFigures> {
  const registry = new NodeRegistry(stubNodes);
  const engine = stubEngine(registry);
  const prompt = (shape === 'chain' ? chainPrompt(nodes) : diamondPrompt(nodes)) as Prompt;
  const n = Object.keys(prompt).length;
  const ctx = { nodeId: '1', signal: new AbortController().signal } as NodeContext;
  const direct: number[] = [];
  const validate: number[] = [];
  const execute: number[] = [];
  for (let i = 0; i < repeats + 3; i++) {
    let t = performance.now();
    await runDirect(prompt, registry, ctx);
    const d = performance.now() - t;
    engine.clearCache();
    t = performance.now();
    const v = await engine.validate(prompt);
    const tv = performance.now() - t;
    if (!v.ok) throw new Error(`bench prompt invalid: ${v.error.details}`);
    t = performance.now();
    const outcome = await engine.execute({ promptId: `b${i}`, graph: v.graph, outputs: v.outputs });
    const te = performance.now() - t;
    if (outcome.status !== 'success') throw new Error('bench prompt failed');
    if (i >= 3) {
      direct.push(d);
      validate.push(tv);
      execute.push(te);
    }
  }
  const directMs = median(direct);
  const validateMs = median(validate);
  const executeMs = median(execute);
  const totalMs = validateMs + executeMs;
  return { shape, nodes: n, directMs, validateMs, executeMs, totalMs, overheadUsPerNode: ((totalMs - directMs) * 1000) / n, ratio: totalMs / directMs };
}

export interface ValidateChainFigures {
  nodes: number;
  validateMedianMs: number;
  validateMinMs: number;
  jsonRoundTripMs: number;
}

/**
 * Validation alone of a long chain (issue 19: a 100,000-node chain validates in well under a second), against a
 * JSON round trip of the same prompt (one pass that reads and allocates about as much) in the same run.
 */
export async function benchValidateChain(nodes = 100_000, repeats = 7): Promise<ValidateChainFigures> {
  const engine = stubEngine(new NodeRegistry(stubNodes));
  const prompt = chainPrompt(nodes);
  const validate: number[] = [];
  const json: number[] = [];
  for (let i = 0; i < repeats + 1; i++) {
    let t = performance.now();
    const v = await engine.validate(prompt);
    const tv = performance.now() - t;
    if (!v.ok) throw new Error(`bench prompt invalid: ${v.error.details}`);
    t = performance.now();
    JSON.parse(JSON.stringify(prompt));
    const tj = performance.now() - t;
    if (i >= 1) {
      validate.push(tv);
      json.push(tj);
    }
  }
  return { nodes, validateMedianMs: median(validate), validateMinMs: Math.min(...validate), jsonRoundTripMs: median(json) };
}
