/**
 * `validate(prompt)`: ComfyUI's validate_prompt. Returns the normalised graph and the outputs that validated, or
 * the top-level error; `nodeErrors` lists each failing node once, with the outputs that depend on it.
 */
import { apiPromptSchema, type ApiPrompt } from '../protocol/api-prompt.js';
import { checkConstant } from './check-value.js';
import { graphError, type GraphError } from './errors.js';
import { fromGraph, toGraph, type Graph, type GraphInput, type GraphNode } from './graph.js';
import type { InputSpec } from './inputs.js';
import type { OutputsDecl } from './node-definition.js';
import { wireSpec } from './object-info.js';
import type { NodeRegistry } from './registry.js';
import { accepts } from './type-compat.js';

/** A node's validation problems and the outputs that depend on it (ComfyUI's `node_errors[id]`). */
export interface NodeErrorEntry {
  errors: GraphError[];
  dependentOutputs: string[];
  classType: string;
}
export type NodeErrors = Record<string, NodeErrorEntry>;

export type ValidationResult =
  | { ok: true; graph: Graph; prompt: ApiPrompt; outputs: string[]; nodeErrors: NodeErrors }
  | { ok: false; error: GraphError; nodeErrors: NodeErrors };

export interface ValidateOptions {
  /** ComfyUI's partial_execution_targets: restrict the outputs to these node ids. */
  readonly targets?: readonly string[];
}

function fail(error: GraphError, nodeErrors: NodeErrors = {}): ValidationResult {
  return { ok: false, error, nodeErrors };
}

/** Checks that every node names a registered class (ComfyUI fails the whole prompt at once on these). */
function checkClasses(graph: Graph, registry: NodeRegistry): GraphError | undefined {
  for (const node of graph.values()) {
    const details = `Node ID '#${node.id}'`;
    if (!node.classType) {
      return graphError('invalid_prompt', details, {}, { reason: 'Cannot execute because a node is missing the class_type property.' });
    }
    if (!registry.has(node.classType)) {
      return graphError('invalid_prompt', details, {}, { reason: `Cannot execute because node ${node.classType} does not exist.` });
    }
  }
  return undefined;
}

/** Nodes on a dependency cycle reachable from `roots` (iterative DFS, colours white/grey/black). */
function findCycleNodes(graph: Graph, roots: readonly string[]): Set<string> {
  const state = new Map<string, 1 | 2>();
  const onCycle = new Set<string>();
  const stack: string[] = [];
  const visit = (id: string): void => {
    state.set(id, 1);
    stack.push(id);
    for (const input of Object.values(graph.get(id)?.inputs ?? {})) {
      if (input.kind !== 'link' || !graph.has(input.from)) continue;
      const s = state.get(input.from);
      if (s === 1) for (const n of stack.slice(stack.indexOf(input.from))) onCycle.add(n);
      else if (s === undefined) visit(input.from);
    }
    stack.pop();
    state.set(id, 2);
  };
  for (const r of roots) if (!state.has(r)) visit(r);
  return onCycle;
}

interface NodeCheck {
  errors: GraphError[];
  coerced: Record<string, GraphInput>;
  /** Linked upstream nodes this node's validity depends on. */
  upstream: string[];
}

function checkLink(name: string, spec: InputSpec, input: Extract<GraphInput, { kind: 'link' }>, graph: Graph, registry: NodeRegistry): GraphError | undefined {
  const source = graph.get(input.from);
  if (!source) {
    return graphError('bad_linked_input', `${name}: linked node ${input.from} does not exist`, { input_name: name, input_config: wireSpec(spec), received_value: [input.from, input.slot] });
  }
  const outputs: OutputsDecl = registry.get(source.classType)!.outputs;
  if (input.slot < 0 || input.slot >= outputs.length) {
    return graphError('bad_linked_input', `${name}: output slot ${input.slot} of node ${input.from} (${source.classType}) is out of range; it has ${outputs.length} output(s)`, {
      input_name: name,
      input_config: wireSpec(spec),
      received_value: [input.from, input.slot],
    });
  }
  const received = outputs[input.slot]!.type.name;
  const expected = spec.kind === 'COMBO' ? 'COMBO' : spec.type;
  if (!accepts(received, expected) && !(spec.kind === 'COMBO' && received === 'STRING')) {
    return graphError('return_type_mismatch', `${name}, received_type(${received}) mismatch input_type(${expected})`, {
      input_name: name,
      input_config: wireSpec(spec),
      received_type: received,
      linked_node: [input.from, input.slot],
    });
  }
  return undefined;
}

function checkNode(node: GraphNode, graph: Graph, registry: NodeRegistry, services: unknown): NodeCheck {
  const def = registry.get(node.classType)!;
  const result: NodeCheck = { errors: [], coerced: { ...node.inputs }, upstream: [] };
  const constants: Record<string, unknown> = {};
  const sections: [Readonly<Record<string, InputSpec>>, boolean][] = [
    [def.inputs.required ?? {}, true],
    [def.inputs.optional ?? {}, false],
  ];
  for (const [specs, required] of sections) {
    for (const [name, spec] of Object.entries(specs)) {
      const input = node.inputs[name];
      if (input === undefined) {
        if (required) result.errors.push(graphError('required_input_missing', name, { input_name: name }));
        continue;
      }
      if (input.kind === 'bad_link') {
        result.errors.push(graphError('bad_linked_input', name, { input_name: name, input_config: wireSpec(spec), received_value: input.value }));
      } else if (input.kind === 'link') {
        const err = checkLink(name, spec, input, graph, registry);
        if (err) result.errors.push(err);
        else result.upstream.push(input.from);
      } else {
        // As in ComfyUI, a node with its own validate() owns the combo membership check (LoadImage takes
        // "name [output]" and subfolder names that the listing does not show).
        const checked = checkConstant(name, spec, input.value, { services, listChecked: !def.validate });
        if (!checked.ok) result.errors.push(checked.error);
        else {
          result.coerced[name] = { kind: 'const', value: checked.value };
          constants[name] = checked.value;
        }
      }
    }
  }
  if (result.errors.length === 0 && def.validate) {
    try {
      const verdict = def.validate(constants as never, services);
      if (verdict !== true) result.errors.push(graphError('custom_validation_failed', String(verdict), {}));
    } catch (err) {
      result.errors.push(graphError('exception_during_validation', String((err as Error)?.message ?? err), { exception_type: (err as Error)?.name ?? 'Error' }));
    }
  }
  return result;
}

/** Validates an API-format prompt against the registry. Pure: nothing runs. */
export function validatePrompt(prompt: unknown, registry: NodeRegistry, services: unknown, options: ValidateOptions = {}): ValidationResult {
  const parsed = apiPromptSchema.safeParse(prompt);
  if (!parsed.success || prompt === null || Array.isArray(prompt)) {
    return fail(graphError('invalid_prompt', 'The prompt must be an object of node id → {class_type, inputs}', {}, { reason: 'Invalid prompt' }));
  }
  const graph = toGraph(parsed.data);
  const classError = checkClasses(graph, registry);
  if (classError) return fail(classError);

  let outputs = [...graph.values()].filter((n) => registry.get(n.classType)!.outputNode).map((n) => n.id);
  if (options.targets) outputs = outputs.filter((id) => options.targets!.includes(id));
  if (outputs.length === 0) return fail(graphError('prompt_no_outputs', '', {}));

  const onCycle = findCycleNodes(graph, outputs);
  const checks = new Map<string, NodeCheck>();
  const valid = new Map<string, boolean>();
  const nodeErrors: NodeErrors = {};

  // Memoised upstream walk; cycle members were found above, so the recursion terminates.
  const isValid = (id: string, output: string): boolean => {
    const known = valid.get(id);
    if (known !== undefined) {
      if (!known && nodeErrors[id] && !nodeErrors[id]!.dependentOutputs.includes(output)) nodeErrors[id]!.dependentOutputs.push(output);
      return known;
    }
    const node = graph.get(id)!;
    const check = onCycle.has(id)
      ? {
          errors: [graphError('dependency_cycle', `Node ${id} (${node.classType}) is part of a dependency cycle`, {})],
          coerced: node.inputs,
          upstream: Object.values(node.inputs).flatMap((i) => (i.kind === 'link' && onCycle.has(i.from) ? [i.from] : [])),
        }
      : checkNode(node, graph, registry, services);
    checks.set(id, check);
    valid.set(id, check.errors.length === 0); // provisional, so shared ancestors are not re-entered
    if (check.errors.length) nodeErrors[id] = { errors: check.errors, dependentOutputs: [output], classType: node.classType };
    let ok = check.errors.length === 0;
    for (const up of check.upstream) ok = isValid(up, output) && ok;
    valid.set(id, ok);
    return ok;
  };

  const good = outputs.filter((o) => isValid(o, o));
  if (good.length === 0) {
    const details = Object.values(nodeErrors).flatMap((e) => e.errors.map((x) => `${x.message}: ${x.details}`)).join('\n');
    return fail(graphError('prompt_outputs_failed_validation', details, {}), nodeErrors);
  }
  const normalised = new Map<string, GraphNode>();
  for (const [id, node] of graph) normalised.set(id, { ...node, inputs: checks.get(id)?.coerced ?? node.inputs });
  return { ok: true, graph: normalised, prompt: fromGraph(normalised), outputs: good, nodeErrors };
}
