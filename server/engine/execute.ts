/**
 * `execute`: runs a validated graph for its outputs, with an AbortSignal, progress events and the output cache.
 */
import { InterruptedError, NodeExecutionError, summarizeValue } from './errors.js';
import type { ExecutionEvent, ExecutionFailure, ExecutionOutcome, PromptOutputs } from './execution-events.js';
import type { Graph } from './graph.js';
import type { AnyNodeDefinition, NodeContext, PreviewImage } from './node-definition.js';
import type { CachedResult, OutputCache } from './output-cache.js';
import { planExecution } from './plan.js';
import type { NodeRegistry } from './registry.js';
import { runNodeLists } from './run-node.js';
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

interface RunState {
  readonly req: ExecuteRequest;
  readonly signal: AbortSignal;
  readonly emit: (e: ExecutionEvent) => void;
  readonly results: Map<string, CachedResult>;
  readonly executed: string[];
  readonly cachedAtStart: string[];
}

function makeContext(state: RunState, nodeId: string, nodeType: string, services: unknown): NodeContext {
  const { signal, emit, req } = state;
  const throwIfInterrupted = () => {
    if (signal.aborted) throw new InterruptedError();
  };
  return {
    nodeId,
    nodeType,
    promptId: req.promptId,
    signal,
    services,
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

function gatherInputs(state: RunState, graph: Graph, id: string, def: AnyNodeDefinition): Record<string, readonly unknown[]> {
  const inputs: Record<string, readonly unknown[]> = {};
  const declared = { ...def.inputs.required, ...def.inputs.optional };
  for (const [name, input] of Object.entries(graph.get(id)!.inputs)) {
    // As ComfyUI's get_input_data: links are passed through even on undeclared inputs, constants only on declared ones.
    if (input.kind === 'link') inputs[name] = state.results.get(input.from)!.outputs[input.slot]!;
    else if (input.kind === 'const' && name in declared) inputs[name] = [input.value];
  }
  return inputs;
}

function hiddenValues(state: RunState, hidden: Record<string, string> | undefined, id: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(hidden ?? {})) {
    if (kind === 'PROMPT') out[name] = state.req.prompt ?? {};
    else if (kind === 'EXTRA_PNGINFO') out[name] = state.req.extraData?.extra_pnginfo;
    else if (kind === 'UNIQUE_ID') out[name] = id;
  }
  return out;
}

function failure(state: RunState, err: NodeExecutionError): ExecutionFailure {
  return {
    nodeId: err.nodeId,
    nodeType: err.nodeType,
    executed: [...state.executed],
    exceptionMessage: err.message,
    exceptionType: err.exceptionType,
    traceback: err.traceback,
    currentInputs: err.inputsSummary,
    currentOutputs: [...state.cachedAtStart],
  };
}

function collectOutputs(state: RunState, graph: Graph): PromptOutputs {
  const outputs: PromptOutputs = {};
  for (const id of graph.keys()) {
    const ui = state.results.get(id)?.ui;
    if (ui) outputs[id] = ui;
  }
  return outputs;
}

/** Runs `req` on `registry`, reusing and filling `cache`. Never throws for node failures: see the outcome. */
export async function executeGraph(req: ExecuteRequest, registry: NodeRegistry, services: unknown, cache: OutputCache): Promise<ExecutionOutcome> {
  const signal = req.signal ?? new AbortController().signal;
  const emit = req.onEvent ?? (() => {});
  const { graph } = req;
  emit({ type: 'execution_start' });
  const keys = await computeSignatures(graph, req.outputs, registry, services, req.log);
  cache.prune(new Set(keys.values()));
  const state: RunState = { req, signal, emit, results: new Map(), executed: [], cachedAtStart: [] };
  for (const [id, key] of keys) {
    const hit = cache.get(key);
    if (hit) {
      state.results.set(id, hit);
      state.cachedAtStart.push(id);
    }
  }
  emit({ type: 'execution_cached', nodes: [...state.cachedAtStart] });
  const order = planExecution(graph, req.outputs, (id) => state.results.has(id));
  let current: string | null = null;
  try {
    for (const id of order) {
      const node = graph.get(id)!;
      const def = registry.get(node.classType)!;
      const hit = state.results.get(id);
      if (hit) {
        emit({ type: 'executed', node: id, output: hit.ui ?? null });
        state.executed.push(id);
        continue;
      }
      if (signal.aborted) throw new InterruptedError();
      current = id;
      emit({ type: 'executing', node: id });
      const inputs = gatherInputs(state, graph, id, def);
      let result: CachedResult;
      try {
        result = await runNodeLists(def, makeContext(state, id, node.classType, services), inputs, hiddenValues(state, def.inputs.hidden, id));
      } catch (err) {
        if (err instanceof InterruptedError || signal.aborted) throw new InterruptedError();
        const summary = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.map(summarizeValue)]));
        throw new NodeExecutionError(id, node.classType, err, summary);
      }
      state.results.set(id, result);
      cache.set(keys.get(id)!, result);
      state.executed.push(id);
      if (result.ui) emit({ type: 'executed', node: id, output: result.ui });
    }
  } catch (err) {
    const outputs = collectOutputs(state, graph);
    if (err instanceof NodeExecutionError) {
      const error = failure(state, err);
      emit({ type: 'execution_error', error });
      return { status: 'error', outputs, error };
    }
    if (err instanceof InterruptedError) {
      const nodeType = current ? graph.get(current)!.classType : null;
      emit({ type: 'execution_interrupted', node: current, nodeType, executed: [...state.executed] });
      return { status: 'interrupted', outputs };
    }
    throw err;
  }
  emit({ type: 'execution_success' });
  return { status: 'success', outputs: collectOutputs(state, graph) };
}
