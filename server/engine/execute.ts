/**
 * `execute`: runs a validated graph for its outputs, as ComfyUI's executor does (docs/architecture.md,
 * "Execution"): nodes are staged from the outputs back, a node runs when its strong links are met, lazy inputs
 * are evaluated only when `checkLazy` asks, ExecutionBlockers stop downstream nodes, expansions add nodes while
 * the prompt runs, and async nodes overlap: a node that is still awaiting something when the next macrotask
 * comes lets the next ready node start. Results are reused from and stored in the output cache by signature.
 */
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { Slicer } from '../../models/time-sliced.js';
import { DynamicPrompt } from './dynamic-prompt.js';
import { InterruptedError, NodeExecutionError, summarizeValue } from './errors.js';
import { ExecutionBlocker } from './execution-blocker.js';
import type { ExecutionEvent, ExecutionFailure, ExecutionOutcome, PromptOutputs } from './execution-events.js';
import { ExecutionList } from './execution-list.js';
import { namespaceExpansion, OutputLink } from './expansion.js';
import type { Graph, GraphNode } from './graph.js';
import type { InputSpec } from './inputs.js';
import type { AnyNodeDefinition, NodeContext, NodeUi, PreviewImage } from './node-definition.js';
import { childScope, ROOT_SCOPE, type CachedResult, type CacheNode, type OutputCache } from './output-cache.js';
import type { NodeRegistry } from './registry.js';
import { callArguments, callNode, mergeCalls, type CallResult } from './run-node.js';
import { computeSignatures } from './signature.js';
import type { ApiPrompt } from '../protocol/api-prompt.js';

/** One prompt to run. */
export interface ExecuteRequest {
  readonly promptId: string;
  readonly graph: Graph;
  /** Output node ids to produce (from `validate`). */
  readonly outputs: readonly string[];
  /** The normalised API prompt, handed to nodes with a hidden PROMPT input. */
  readonly prompt?: ApiPrompt;
  readonly extraData?: Record<string, unknown>;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: ExecutionEvent) => void;
  readonly log?: (message: string) => void;
}

/** Thrown when nodes wait on each other at run time (an expansion closed a loop). */
class DependencyCycleError extends Error {
  constructor(readonly nodes: readonly string[]) {
    super('Dependency cycle detected');
    this.name = 'graph.DependencyCycleError';
  }
}


interface RunContext {
  readonly req: ExecuteRequest;
  readonly registry: NodeRegistry;
  readonly services: unknown;
  readonly cache: OutputCache;
  readonly signal: AbortSignal;
  readonly emit: (e: ExecutionEvent) => void;
  readonly dyn: DynamicPrompt;
  readonly keys: Map<string, string>;
  /** Cache scopes of the nodes expansions added (prompt nodes are in ROOT_SCOPE). */
  readonly scopes: Map<string, string>;
  /** Results this prompt can use now (with `--cache-none`, dropped once no node needs them). */
  readonly results: Map<string, CachedResult>;
  /** UI outputs of the prompt's nodes, for the history (kept when results are dropped). */
  readonly ui: Map<string, NodeUi>;
  readonly executed: string[];
  readonly cachedAtStart: string[];
  /** Call results of expanded nodes, waiting for their sub-graph's outputs. */
  readonly pendingExpansions: Map<string, CallResult[]>;
  /** Nodes that announced `executing` already (a node re-entered after lazy waits announces once). */
  readonly started: Set<string>;
  list: ExecutionList;
}

function declaredSpecs(def: AnyNodeDefinition): Record<string, InputSpec> {
  return { ...def.inputs.optional, ...def.inputs.required } as Record<string, InputSpec>;
}

/** Linked inputs the node waits for before it runs: all but lazy and rawLink ones. */
function strongSources(rc: RunContext, id: string): string[] {
  const node = rc.dyn.graph.get(id)!;
  const specs = declaredSpecs(rc.registry.get(node.classType)!);
  const out: string[] = [];
  for (const [name, input] of Object.entries(node.inputs)) {
    if (input.kind !== 'link') continue;
    const options = specs[name]?.options;
    if (options?.lazy || options?.rawLink) continue;
    out.push(input.from);
  }
  return out;
}

function makeContext(rc: RunContext, nodeId: string, nodeType: string): NodeContext {
  const { signal, emit, req } = rc;
  const throwIfInterrupted = () => {
    if (signal.aborted) throw new InterruptedError();
  };
  return {
    nodeId,
    nodeType,
    promptId: req.promptId,
    signal,
    services: rc.services,
    throwIfInterrupted,
    progress(value: number, max: number, preview?: PreviewImage) {
      throwIfInterrupted();
      emit({ type: 'progress', node: nodeId, value, max });
      if (preview) emit({ type: 'preview', node: nodeId, image: preview });
    },
    text: (text: string) => emit({ type: 'text', node: nodeId, text }),
    log: (message: string) => req.log?.(`[${nodeType} #${nodeId}] ${message}`),
  };
}

/**
 * The node's inputs as lists. Links whose source has no result (lazy inputs not asked for yet) are `[undefined]`;
 * rawLink inputs get the link itself; constants only on declared inputs, links on any (ComfyUI's get_input_data).
 */
function gatherInputs(rc: RunContext, node: GraphNode, def: AnyNodeDefinition): Record<string, readonly unknown[]> {
  const inputs: Record<string, readonly unknown[]> = {};
  const specs = declaredSpecs(def);
  for (const [name, input] of Object.entries(node.inputs)) {
    if (input.kind === 'link') {
      if (specs[name]?.options.rawLink) inputs[name] = [[input.from, input.slot]];
      else inputs[name] = rc.results.get(input.from)?.outputs[input.slot] ?? [undefined];
    } else if (input.kind === 'const' && name in specs) inputs[name] = [input.value];
  }
  return inputs;
}

function hiddenValues(rc: RunContext, def: AnyNodeDefinition, id: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const extra = rc.req.extraData ?? {};
  for (const [name, kind] of Object.entries(def.inputs.hidden ?? {})) {
    if (kind === 'PROMPT') out[name] = rc.req.prompt ?? {};
    else if (kind === 'EXTRA_PNGINFO') out[name] = extra.extra_pnginfo;
    else if (kind === 'UNIQUE_ID') out[name] = id;
    else if (kind === 'DYNPROMPT') out[name] = rc.dyn;
    else if (kind === 'AUTH_TOKEN_COMFY_ORG') out[name] = extra.auth_token_comfy_org;
    else if (kind === 'API_KEY_COMFY_ORG') out[name] = extra.api_key_comfy_org;
  }
  return out;
}

/** Lazy inputs `checkLazy` asks for that have no result yet; makes the node wait for their sources. */
async function requestLazyInputs(rc: RunContext, id: string, def: AnyNodeDefinition, calls: Record<string, unknown>[], ctx: NodeContext): Promise<boolean> {
  const node = rc.dyn.graph.get(id)!;
  const asked = new Set<string>();
  for (const args of calls) for (const name of (await def.checkLazy!(args as never, ctx)) ?? []) asked.add(name);
  let waits = false;
  for (const name of asked) {
    const input = node.inputs[name];
    if (input?.kind !== 'link' || rc.results.has(input.from)) continue;
    if (rc.list.addStrongLink(input.from, id)) waits = true;
  }
  return waits;
}

/** Adds an expansion's nodes to the prompt and makes `id` wait for the outputs its result links to. */
async function expand(rc: RunContext, id: string, calls: readonly CallResult[]): Promise<boolean> {
  const added: GraphNode[] = [];
  const renamed: CallResult[] = calls.map((call, i) => {
    if (!call.expand) return call;
    const ns = namespaceExpansion(id, i, call.expand);
    added.push(...ns.nodes);
    return { ...call, values: call.values.map((v) => (v instanceof OutputLink ? new OutputLink(ns.rename(v.node), v.slot) : v)) };
  });
  for (const node of added) {
    if (!rc.registry.has(node.classType)) throw new Error(`expansion of node ${id} adds node ${node.id} of unknown type "${node.classType}"`);
    rc.dyn.addEphemeral(node, id);
  }
  for (const node of added) {
    for (const input of Object.values(node.inputs)) {
      if (input.kind === 'link' && !rc.dyn.has(input.from)) throw new Error(`expansion of node ${id}: node ${node.id} links to missing node ${input.from}`);
    }
  }
  await computeSignatures(rc.dyn.graph, added.map((n) => n.id), rc.registry, rc.services, rc.req.log, rc.keys);
  const scope = childScope(scopeOf(rc, id), rc.dyn.graph.get(id)!);
  for (const node of added) rc.scopes.set(node.id, scope);
  rc.cache.startScope(scope, cacheNodes(rc, added.map((n) => n.id)));
  for (const node of added) {
    const hit = rc.cache.get(scope, rc.keys.get(node.id)!);
    if (hit) useResult(rc, node.id, hit); // cached expanded nodes do not run again
  }
  rc.pendingExpansions.set(id, renamed);
  for (const node of added) if (rc.registry.get(node.classType)!.outputNode) rc.list.add(node.id);
  let waits = false;
  for (const call of renamed) {
    for (const v of call.values) {
      if (!(v instanceof OutputLink)) continue;
      if (!rc.dyn.has(v.node)) throw new Error(`node ${id} returned a link to missing node ${v.node}`);
      if (rc.list.addStrongLink(v.node, id)) waits = true;
    }
  }
  return waits;
}

function scopeOf(rc: RunContext, id: string): string {
  return rc.scopes.get(id) ?? ROOT_SCOPE;
}

function cacheNodes(rc: RunContext, ids: Iterable<string>): CacheNode[] {
  return [...ids].map((id) => ({ id, classType: rc.dyn.graph.get(id)!.classType, key: rc.keys.get(id)! }));
}

function useResult(rc: RunContext, id: string, result: CachedResult): void {
  rc.results.set(id, result);
  if (result.ui) rc.ui.set(id, result.ui);
}

function finish(rc: RunContext, id: string, result: CachedResult): void {
  useResult(rc, id, result);
  rc.cache.set(scopeOf(rc, id), rc.keys.get(id)!, result);
  rc.executed.push(id);
  if (result.ui) rc.emit({ type: 'executed', node: id, output: result.ui });
  rc.emit({ type: 'node_finished', node: id });
}

/** One step of node `id`: 'done', or 'waiting' when it went back to wait for lazy inputs or its expansion. */
async function step(rc: RunContext, id: string): Promise<'done' | 'waiting'> {
  const hit = rc.results.get(id);
  if (hit) {
    // A cached output node re-sends its UI output.
    rc.emit({ type: 'executed', node: id, output: hit.ui ?? null });
    rc.executed.push(id);
    rc.emit({ type: 'node_finished', node: id });
    return 'done';
  }
  const node = rc.dyn.graph.get(id)!;
  const def = rc.registry.get(node.classType)!;
  const resolve = (link: OutputLink) => rc.results.get(link.node)!.outputs[link.slot] ?? [];
  const pending = rc.pendingExpansions.get(id);
  if (pending) {
    rc.pendingExpansions.delete(id);
    finish(rc, id, mergeCalls(def, pending, resolve));
    return 'done';
  }
  if (!rc.started.has(id)) {
    rc.started.add(id);
    rc.emit({ type: 'executing', node: id });
  }
  const inputs = gatherInputs(rc, node, def);
  try {
    const ctx = makeContext(rc, id, node.classType);
    const calls = callArguments(def, inputs, hiddenValues(rc, def, id));
    if (def.checkLazy && (await requestLazyInputs(rc, id, def, calls, ctx))) return 'waiting';
    const results = await callNode(def, ctx, calls, (blocker) => {
      if (blocker.message === null) return blocker;
      rc.emit({ type: 'execution_blocked', node: id, nodeType: node.classType, message: blocker.message, executed: [...rc.executed] });
      return new ExecutionBlocker(null);
    });
    if (results.some((r) => r.expand)) {
      if (await expand(rc, id, results)) return 'waiting';
      // Every output of the expansion is there already (cached): resolve the renamed links now.
      const renamed = rc.pendingExpansions.get(id)!;
      rc.pendingExpansions.delete(id);
      finish(rc, id, mergeCalls(def, renamed, resolve));
      return 'done';
    }
    finish(rc, id, mergeCalls(def, results, resolve));
    return 'done';
  } catch (err) {
    if (err instanceof InterruptedError || rc.signal.aborted) throw new InterruptedError();
    const summary = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.map(summarizeValue)]));
    throw new NodeExecutionError(id, node.classType, err, summary);
  }
}

function failure(rc: RunContext, err: NodeExecutionError): ExecutionFailure {
  return {
    nodeId: err.nodeId,
    nodeType: err.nodeType,
    executed: [...rc.executed],
    exceptionMessage: err.message,
    exceptionType: err.exceptionType,
    traceback: err.traceback,
    currentInputs: err.inputsSummary,
    currentOutputs: [...rc.cachedAtStart],
  };
}

function collectOutputs(rc: RunContext): PromptOutputs {
  const outputs: PromptOutputs = {};
  for (const id of rc.dyn.graph.keys()) {
    const ui = rc.ui.get(id);
    if (ui) outputs[id] = ui;
  }
  return outputs;
}

/** Runs ready nodes until none is left; a node still awaiting after a macrotask lets the next one start. */
async function runAll(rc: RunContext): Promise<void> {
  const running = new Map<string, Promise<void>>();
  let failed: { err: unknown } | null = null;
  // The executor yields a macrotask (interrupts, async nodes' callbacks; HTTP and WS when it runs on the server's
  // thread) every PASS_SLICE_MS. `serve` runs it on an engine thread (docs/architecture.md, "Responsiveness").
  const slicer = new Slicer();
  for (;;) {
    if (failed) break;
    const id = rc.list.nextReady();
    if (id !== undefined) {
      if (rc.signal.aborted) throw new InterruptedError();
      const task = step(rc, id).then(
        (outcome) => {
          running.delete(id);
          if (outcome === 'done') rc.list.complete(id);
          else rc.list.requeueIfReady(id);
        },
        (err: unknown) => {
          running.delete(id);
          failed ??= { err };
        },
      );
      running.set(id, task);
      await Promise.race([task, nextMacrotask()]);
      await slicer.maybeYield();
      continue;
    }
    if (running.size > 0) {
      await Promise.race(running.values());
      continue;
    }
    if (rc.list.isEmpty) return;
    throw new DependencyCycleError(rc.list.nodesInCycle());
  }
  // A node failed: let the others that are still running settle, so no event follows the error.
  await Promise.allSettled(running.values());
  throw (failed as { err: unknown }).err;
}

/** Drops a result no node needs any more; asked for again later (a lazy input), its node runs again. */
function release(rc: RunContext, id: string): void {
  rc.results.delete(id);
  rc.started.delete(id);
}

/** Runs `req` on `registry`, reusing and filling `cache`. Never throws for node failures: see the outcome. */
export async function executeGraph(req: ExecuteRequest, registry: NodeRegistry, services: unknown, cache: OutputCache): Promise<ExecutionOutcome> {
  const signal = req.signal ?? new AbortController().signal;
  const emit = req.onEvent ?? (() => {});
  emit({ type: 'execution_start' });
  // Every node of the prompt gets a key, needed or not: the cache keeps what the whole prompt has (ComfyUI's set_prompt).
  const keys = await computeSignatures(req.graph, [...req.graph.keys()], registry, services, req.log);
  const rc: RunContext = {
    req, registry, services, cache, signal, emit, keys,
    dyn: new DynamicPrompt(req.graph),
    scopes: new Map(), results: new Map(), ui: new Map(), executed: [], cachedAtStart: [], pendingExpansions: new Map(), started: new Set(),
    list: undefined as unknown as ExecutionList,
  };
  cache.startPrompt(cacheNodes(rc, req.graph.keys()));
  rc.list = new ExecutionList({
    strongSources: (id) => strongSources(rc, id),
    available: (id) => rc.results.has(id),
    // With no cache, a result lives while a node still to run holds a link to it (ComfyUI's execution cache).
    released: cache.mode === 'none' ? (id) => release(rc, id) : undefined,
  });
  for (const [id, key] of keys) {
    const hit = cache.get(ROOT_SCOPE, key);
    if (hit) {
      useResult(rc, id, hit);
      rc.cachedAtStart.push(id);
    }
  }
  emit({ type: 'execution_cached', nodes: [...rc.cachedAtStart] });
  for (const id of req.outputs) {
    if (rc.results.has(id)) rc.list.addReady(id);
    else rc.list.add(id);
  }
  try {
    await runAll(rc);
  } catch (err) {
    const outputs = collectOutputs(rc);
    if (err instanceof NodeExecutionError) {
      const error = failure(rc, err);
      emit({ type: 'execution_error', error });
      return { status: 'error', outputs, error };
    }
    if (err instanceof DependencyCycleError) {
      const blamed = err.nodes[0] ?? '';
      const nodeType = rc.dyn.graph.get(blamed)?.classType ?? '';
      const error = failure(rc, new NodeExecutionError(blamed, nodeType, err, {}));
      emit({ type: 'execution_error', error });
      return { status: 'error', outputs, error };
    }
    if (err instanceof InterruptedError) {
      const current = [...rc.started].reverse().find((id) => !rc.results.has(id)) ?? null;
      const nodeType = current ? rc.dyn.graph.get(current)!.classType : null;
      emit({ type: 'execution_interrupted', node: current, nodeType, executed: [...rc.executed] });
      return { status: 'interrupted', outputs };
    }
    throw err;
  }
  emit({ type: 'execution_success' });
  return { status: 'success', outputs: collectOutputs(rc) };
}
