/**
 * `validate(prompt)`: ComfyUI's validate_prompt. Returns the normalised graph and the outputs that validated, or
 * the top-level error; `nodeErrors` lists each failing node once, with the outputs that depend on it.
 */
import { apiNodeSchema, type ApiNode, type ApiPrompt } from '../protocol/api-prompt.js';
import { checkConstant } from './check-value.js';
import { graphError, type GraphError } from './errors.js';
import { fromGraphNode, toGraphNode, type Graph, type GraphInput, type GraphNode } from './graph.js';
import type { InputSpec } from './inputs.js';
import type { AnyNodeDefinition, OutputsDecl } from './node-definition.js';
import { cycleMembers, indexLinks, linkedSources, upstreamOf } from './graph-walk.js';
import { wireSpec } from './object-info.js';
import type { NodeRegistry } from './registry.js';
import { accepts } from './type-compat.js';
import { Slicer } from '../../models/time-sliced.js';
import { ownKeys, rememberOwnKeys, setOwn } from '../protocol/json-own-keys.js';

/** From this many nodes a stored prompt's keys are remembered (json-own-keys.ts): below it, Object.keys is quick. */
const MANY_NODES = 1024;

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

/** A refusal as one message: the prompt-level error, then each node error's message and details on a line. */
export function describeValidationFailure(result: Extract<ValidationResult, { ok: false }>): string {
  const lines = Object.values(result.nodeErrors).flatMap((n) => n.errors.map((e) => `${e.message}: ${e.details}`));
  return `${result.error.message}${lines.length ? `\n${lines.join('\n')}` : ''}`;
}

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

type LinkInput = Extract<GraphInput, { kind: 'link' }>;

interface NodeCheck {
  errors: GraphError[];
  coerced: Readonly<Record<string, GraphInput>>;
  /** Linked upstream nodes this node's validity depends on. */
  upstream: string[];
}

/** A link error's `input_config`: the declared spec on the wire, or null for an undeclared input. */
function linkConfig(spec: InputSpec | undefined): unknown {
  return spec ? wireSpec(spec) : null;
}

/** Checks one link: its node and slot exist and, when `spec` is given (a declared input), the types match. */
function checkLink(name: string, spec: InputSpec | undefined, input: LinkInput, graph: Graph, registry: NodeRegistry): GraphError | undefined {
  const source = graph.get(input.from);
  if (!source) {
    return graphError('bad_linked_input', `${name}: linked node ${input.from} does not exist`, { input_name: name, input_config: linkConfig(spec), received_value: [input.from, input.slot] });
  }
  const outputs: OutputsDecl = registry.get(source.classType)!.outputs;
  if (input.slot < 0 || input.slot >= outputs.length) {
    return graphError('bad_linked_input', `${name}: output slot ${input.slot} of node ${input.from} (${source.classType}) is out of range; it has ${outputs.length} output(s)`, {
      input_name: name,
      input_config: linkConfig(spec),
      received_value: [input.from, input.slot],
    });
  }
  if (!spec) return undefined;
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

/** The socket type arriving on a link that `checkLink` accepted. */
function linkedType(input: LinkInput, graph: Graph, registry: NodeRegistry): string {
  const outputs: OutputsDecl = registry.get(graph.get(input.from)!.classType)!.outputs;
  return outputs[input.slot]!.type.name;
}

/** A definition's inputs as validation walks them: every spec by name, in order, and which are required. */
interface DeclaredInputs {
  readonly declared: Readonly<Record<string, InputSpec>>;
  readonly entries: ReadonlyArray<readonly [string, InputSpec]>;
  readonly required: ReadonlySet<string>;
}

const declaredCache = new WeakMap<AnyNodeDefinition, DeclaredInputs>();

/** A definition's required and optional specs in one dict, computed once per definition. */
function declaredInputs(def: AnyNodeDefinition): DeclaredInputs {
  let known = declaredCache.get(def);
  if (!known) {
    const declared = { ...def.inputs.optional, ...def.inputs.required };
    known = { declared, entries: Object.entries(declared), required: new Set(Object.keys(def.inputs.required ?? {})) };
    declaredCache.set(def, known);
  }
  return known;
}

/** Whether the node's own `validate` covers input `name` (then bounds and combo membership are its business). */
function ownedByNode(def: AnyNodeDefinition, name: string): boolean {
  return def.validate !== undefined && (def.validates === undefined || def.validates.includes(name));
}

/** Runs the node's own `validate` on the inputs it covers; one error per covered input, as ComfyUI reports it. */
async function customValidation(def: AnyNodeDefinition, covered: Record<string, unknown>, inputTypes: Record<string, string>, services: unknown): Promise<GraphError[]> {
  try {
    const verdict = await def.validate!(covered as never, services, { inputTypes });
    if (verdict === true) return [];
    const names = Object.keys(covered);
    const details = (n: string) => `${n} - ${String(verdict)}`;
    if (names.length === 0) return [graphError('custom_validation_failed', String(verdict), {})];
    return names.map((n) => graphError('custom_validation_failed', details(n), { input_name: n, received_value: covered[n] }));
  } catch (err) {
    return [graphError('exception_during_validation', String((err as Error)?.message ?? err), { exception_type: (err as Error)?.name ?? 'Error' })];
  }
}

/**
 * Checks one node's inputs. The node's own `validate` (possibly async) is started only when everything else
 * passed; its promise is returned beside the check so thousands of plain nodes cost no awaits.
 */
function checkNode(node: GraphNode, graph: Graph, registry: NodeRegistry, services: unknown): { check: NodeCheck; custom?: Promise<GraphError[]> } {
  const def = registry.get(node.classType)!;
  // `coerced` is the node's own inputs until a constant's value changes: most nodes change none, and a copy of
  // each of 100,000 nodes' inputs is garbage the collector has to move.
  const result: NodeCheck = { errors: [], coerced: node.inputs, upstream: [] };
  const covered: Record<string, unknown> = {};
  const inputTypes: Record<string, string> = {};
  const { declared, entries, required } = declaredInputs(def);
  for (const [name, spec] of entries) {
    const input = node.inputs[name];
    if (input === undefined) {
      if (required.has(name)) result.errors.push(graphError('required_input_missing', name, { input_name: name }));
      continue;
    }
    if (input.kind === 'bad_link') {
      result.errors.push(graphError('bad_linked_input', name, { input_name: name, input_config: wireSpec(spec), received_value: input.value }));
    } else if (input.kind === 'link') {
      const err = checkLink(name, def.validatesInputTypes ? undefined : spec, input, graph, registry);
      if (err) result.errors.push(err);
      else {
        result.upstream.push(input.from);
        if (def.validate) inputTypes[name] = linkedType(input, graph, registry);
      }
    } else {
      const owned = ownedByNode(def, name);
      const checked = checkConstant(name, spec, input.value, { services, ownedByNode: owned });
      if (!checked.ok) result.errors.push(checked.error);
      else {
        if (checked.value !== input.value) result.coerced = { ...result.coerced, [name]: { kind: 'const', value: checked.value } };
        if (owned) covered[name] = checked.value;
      }
    }
  }
  // Undeclared inputs: ComfyUI passes linked ones through to the node (and drops constants), so only the link
  // itself can be checked.
  for (const name of Object.keys(node.inputs)) {
    const input = node.inputs[name]!;
    if (name in declared || input.kind !== 'link') continue;
    const err = checkLink(name, undefined, input, graph, registry);
    if (err) result.errors.push(err);
    else result.upstream.push(input.from);
  }
  if (result.errors.length === 0 && def.validate) return { check: result, custom: customValidation(def, covered, inputTypes, services) };
  return { check: result };
}

/** Whether each node and everything upstream of it is free of errors (iterative post-order, memoised). */
function validity(roots: readonly string[], checks: ReadonlyMap<string, NodeCheck>): Map<string, boolean> {
  const valid = new Map<string, boolean>();
  // The usual case, and the only one a 100,000-node prompt should pay nothing for: no node has an error.
  let clean = true;
  for (const check of checks.values()) {
    if (check.errors.length > 0) {
      clean = false;
      break;
    }
  }
  if (clean) {
    for (const root of roots) valid.set(root, true);
    return valid;
  }
  for (const root of roots) {
    const stack: { id: string; expanded: boolean }[] = [{ id: root, expanded: false }];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const check = checks.get(top.id)!;
      if (top.expanded) {
        stack.pop();
        valid.set(top.id, check.errors.length === 0 && check.upstream.every((u) => valid.get(u) !== false));
        continue;
      }
      if (valid.has(top.id)) {
        stack.pop();
        continue;
      }
      top.expanded = true;
      valid.set(top.id, check.errors.length === 0); // provisional: a cycle (already an error) must not loop
      for (const up of check.upstream) if (!valid.has(up)) stack.push({ id: up, expanded: false });
    }
  }
  return valid;
}

/** Validates an API-format prompt against the registry; a node's own `validate` may be async. Nothing runs. */
export async function validatePrompt(prompt: unknown, registry: NodeRegistry, services: unknown, options: ValidateOptions = {}): Promise<ValidationResult> {
  const graph = await parseGraph(prompt);
  if (!graph) {
    return fail(graphError('invalid_prompt', 'The prompt must be an object of node id → {class_type, inputs}', {}, { reason: 'Invalid prompt' }));
  }
  const classError = checkClasses(graph, registry);
  if (classError) return fail(classError);

  let outputs = [...graph.values()].filter((n) => registry.get(n.classType)!.outputNode).map((n) => n.id);
  if (options.targets) outputs = outputs.filter((id) => options.targets!.includes(id));
  if (outputs.length === 0) return fail(graphError('prompt_no_outputs', '', {}));

  const reachable = upstreamOf(graph, outputs);
  const onCycle = cycleMembers(indexLinks(graph, reachable));
  const checks = new Map<string, NodeCheck>();
  const custom: Promise<void>[] = [];
  for (const id of reachable) {
    const node = graph.get(id)!;
    if (onCycle.has(id)) {
      checks.set(id, {
        errors: [graphError('dependency_cycle', `Node ${id} (${node.classType}) is part of a dependency cycle`, {})],
        coerced: node.inputs,
        upstream: linkedSources(graph, id).filter((u) => onCycle.has(u)),
      });
      continue;
    }
    const { check, custom: pending } = checkNode(node, graph, registry, services);
    checks.set(id, check);
    if (pending) custom.push(pending.then((errors) => void check.errors.push(...errors)));
  }
  await Promise.all(custom);
  const valid = validity(outputs, checks);

  // Each failing node once, with every output that depends on it.
  const nodeErrors: NodeErrors = {};
  for (const output of outputs) {
    if (valid.get(output)) continue;
    for (const id of upstreamOf(graph, [output], (id) => checks.get(id)!.upstream)) {
      const check = checks.get(id)!;
      if (check.errors.length === 0) continue;
      nodeErrors[id] ??= { errors: check.errors, dependentOutputs: [], classType: graph.get(id)!.classType };
      nodeErrors[id]!.dependentOutputs.push(output);
    }
  }

  const good = outputs.filter((o) => valid.get(o));
  if (good.length === 0) {
    const details = Object.values(nodeErrors).flatMap((e) => e.errors.map((x) => `${x.message}: ${x.details}`)).join('\n');
    return fail(graphError('prompt_outputs_failed_validation', details, {}), nodeErrors);
  }
  // The parsed graph is this call's own, so it becomes the normalised graph: a coerced node replaces its original
  // in place (same key order).
  const wire: ApiPrompt = {};
  const slicer = new Slicer();
  for (const [id, parsed] of graph) {
    const inputs = checks.get(id)?.coerced ?? parsed.inputs;
    const node = inputs === parsed.inputs ? parsed : { ...parsed, inputs };
    if (node !== parsed) graph.set(id, node);
    setOwn(wire, id, fromGraphNode(node));
    if (slicer.due) await slicer.maybeYield();
  }
  if (graph.size >= MANY_NODES) rememberOwnKeys(wire, [...graph.keys()]);
  return { ok: true, graph, prompt: wire, outputs: good, nodeErrors };
}

/** A plain object: what JSON.parse makes (zod's `z.object` and `z.record` accept at least these). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Whether `node` is plainly a node `apiNodeSchema` accepts as it is: a string class type, plain inputs, and no
 * `_meta` or one with a string title. Narrower than the schema, which still decides everything else; this only
 * spares a 100,000-node prompt a schema-parsed copy of every node (`toGraphNode` reads nothing else).
 */
function isPlainApiNode(node: unknown): node is ApiNode {
  if (!isPlainObject(node)) return false;
  const { class_type: classType, inputs, _meta: meta } = node;
  if (typeof classType !== 'string' || !isPlainObject(inputs)) return false;
  return meta === undefined || (isPlainObject(meta) && (meta.title === undefined || typeof meta.title === 'string'));
}

/** The wire prompt checked node by node against `apiNodeSchema` and converted (`toGraphNode`); undefined when malformed. */
async function parseGraph(prompt: unknown): Promise<Map<string, GraphNode> | undefined> {
  if (typeof prompt !== 'object' || prompt === null || Array.isArray(prompt)) return undefined;
  const graph = new Map<string, GraphNode>();
  const slicer = new Slicer();
  // ownKeys: a big parsed prompt's keys are known; Object.entries of it would sort 150,000 keys in one block.
  for (const id of ownKeys(prompt)) {
    const node = (prompt as Record<string, unknown>)[id];
    if (isPlainApiNode(node)) graph.set(id, toGraphNode(id, node));
    else {
      const parsed = apiNodeSchema.safeParse(node);
      if (!parsed.success) return undefined;
      graph.set(id, toGraphNode(id, parsed.data, (node as { inputs?: object }).inputs));
    }
    if (slicer.due) await slicer.maybeYield();
  }
  return graph;
}
