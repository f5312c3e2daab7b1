/**
 * UI workflow → API prompt, the conversion ComfyUI's frontend does in `graphToPrompt` (docs/comfyui-protocol.md). Shared by
 * the browser editor (Queue button) and the CLI (`perceptgraph run` on a UI-format file), so both send the same
 * prompt for the same workflow. Pure: no Node or DOM imports.
 *
 * What it does:
 * - `widgets_values` (positional) are mapped onto the widget inputs of the node's `/object_info` definition in
 *   `input_order`, skipping the frontend-only values that follow them (the control-after-generate mode after an
 *   INT/COMBO with `control_after_generate`, the upload button after an `image_upload` combo);
 * - links become `[String(origin_id), origin_slot]`, resolved through Reroute nodes, PrimitiveNode constants and
 *   bypassed (mode 4) nodes; muted (mode 2) nodes, Notes and other virtual nodes are left out;
 * - `_meta.title` is the node's title.
 */
import type { ApiPrompt } from './api-prompt.js';
import type { ObjectInfoEntry, WireInputSpec } from './object-info.js';
import { NodeMode, normaliseLink, parseUiWorkflow, type UiLink, type UiNode, type UiWorkflow } from './ui-workflow.js';

/**
 * What the conversion reads of a node definition: the `/object_info` entry with only `input` required, so
 * definitions from other ComfyUI servers (which may leave fields out) convert too.
 */
export type NodeDefInfo = Pick<ObjectInfoEntry, 'input'> & Partial<Omit<ObjectInfoEntry, 'input'>>;

/** An `/object_info` reply as the conversion reads it: class name → definition. */
export type ObjectInfo = Record<string, NodeDefInfo>;

export type { WireInputSpec };

/** Widget kinds the editor draws; anything else is a socket. */
export type WidgetKind = 'INT' | 'FLOAT' | 'STRING' | 'BOOLEAN' | 'COMBO';

/** One widget input of a node definition, in the order its value sits in `widgets_values`. */
export interface WidgetSlot {
  name: string;
  kind: WidgetKind;
  /** The spec's options object (`default`, `min`, `max`, `step`, `multiline`, ...); `{}` when absent. */
  options: Record<string, unknown>;
  /** COMBO choices (V1 list or V3 `options`); empty for other kinds. */
  choices: string[];
  /** A frontend-only control value (fixed/increment/randomize) follows this widget in `widgets_values`. */
  control: boolean;
  /** A frontend-only upload-button value follows (image_upload combos, after the control value if any). */
  upload: boolean;
}

/** Nodes that exist only in the editor: they shape the prompt but are never sent. */
export const VIRTUAL_NODE_TYPES: ReadonlySet<string> = new Set(['Reroute', 'PrimitiveNode', 'Note', 'MarkdownNote']);

const WIDGET_KINDS: ReadonlySet<string> = new Set(['INT', 'FLOAT', 'STRING', 'BOOLEAN', 'COMBO']);

/** The options object of a wire spec, `{}` when the spec has none. */
export function specOptions(spec: WireInputSpec): Record<string, unknown> {
  const opts = spec[1];
  return opts && typeof opts === 'object' && !Array.isArray(opts) ? (opts as Record<string, unknown>) : {};
}

/** The socket type of a wire spec: `COMBO` for a V1 choice list, else the type string (e.g. `IMAGE`, `FLOAT,INT`). */
export function specType(spec: WireInputSpec): string {
  return Array.isArray(spec[0]) ? 'COMBO' : String(spec[0]);
}

/** Builds the widget slot of one input, or undefined when the input is a socket (custom type or `forceInput`). */
export function widgetSlotOf(name: string, spec: WireInputSpec): WidgetSlot | undefined {
  const type = specType(spec);
  const options = specOptions(spec);
  if (!WIDGET_KINDS.has(type) || options.forceInput === true) return undefined;
  const kind = type as WidgetKind;
  let choices: string[] = [];
  if (Array.isArray(spec[0])) choices = spec[0].map(String);
  else if (kind === 'COMBO' && Array.isArray(options.options)) choices = options.options.map(String);
  const control = options.control_after_generate === true && (kind === 'INT' || kind === 'COMBO');
  const upload = kind === 'COMBO' && options.image_upload === true;
  return { name, kind, options, choices, control, upload };
}

/** Required then optional input names, in `input_order` when published, else in object key order. */
export function orderedInputs(def: NodeDefInfo): Array<{ name: string; spec: WireInputSpec; optional: boolean }> {
  const out: Array<{ name: string; spec: WireInputSpec; optional: boolean }> = [];
  for (const group of ['required', 'optional'] as const) {
    const specs = def.input?.[group] ?? {};
    const names = def.input_order?.[group] ?? Object.keys(specs);
    for (const name of names) {
      const spec = specs[name];
      if (spec) out.push({ name, spec, optional: group === 'optional' });
    }
  }
  return out;
}

/** The widget inputs of a definition in `widgets_values` order. */
export function widgetSlots(def: NodeDefInfo): WidgetSlot[] {
  return orderedInputs(def)
    .map(({ name, spec }) => widgetSlotOf(name, spec))
    .filter((w): w is WidgetSlot => w !== undefined);
}

/**
 * Socket type compatibility as the editor and validator see it: equal, either side `*`, or a non-empty
 * intersection of comma-separated multi-types (`"FLOAT,INT"` accepts `INT`).
 */
export function typesCompatible(output: unknown, input: unknown): boolean {
  const a = String(output ?? '*');
  const b = String(input ?? '*');
  if (a === b || a === '*' || b === '*' || a === '' || b === '') return true;
  const left = new Set(a.split(',').map((s) => s.trim()));
  return b.split(',').some((t) => left.has(t.trim()));
}

/** A link source after resolving virtual and bypassed nodes. */
type Source = { kind: 'link'; from: string; slot: number } | { kind: 'const'; value: unknown } | { kind: 'none' };

interface Ctx {
  nodes: Map<string, UiNode>;
  links: Map<number, UiLink>;
}

// Reroute chains and bypass chains are short; the bound only stops a malformed cyclic workflow.
const MAX_HOPS = 1000;

function resolveLink(ctx: Ctx, linkId: number | null | undefined, hops = 0): Source {
  if (linkId === null || linkId === undefined || hops > MAX_HOPS) return { kind: 'none' };
  const link = ctx.links.get(linkId);
  const origin = link && ctx.nodes.get(String(link.origin_id));
  if (!link || !origin || origin.mode === NodeMode.never) return { kind: 'none' };
  if (origin.type === 'Reroute') return resolveLink(ctx, origin.inputs?.[0]?.link, hops + 1);
  if (origin.type === 'PrimitiveNode') {
    const wv = origin.widgets_values;
    return Array.isArray(wv) && wv.length > 0 ? { kind: 'const', value: wv[0] } : { kind: 'none' };
  }
  if (VIRTUAL_NODE_TYPES.has(origin.type)) return { kind: 'none' };
  if (origin.mode === NodeMode.bypass) return resolveBypass(ctx, origin, link, hops);
  return { kind: 'link', from: String(origin.id), slot: link.origin_slot };
}

/** A bypassed node passes through the input whose type matches the requested output: same index first. */
function resolveBypass(ctx: Ctx, node: UiNode, link: UiLink, hops: number): Source {
  const outType = node.outputs?.[link.origin_slot]?.type ?? link.type;
  const inputs = node.inputs ?? [];
  const matches = (i: number) => inputs[i] !== undefined && inputs[i]!.link != null && typesCompatible(outType, inputs[i]!.type);
  const index = matches(link.origin_slot) ? link.origin_slot : inputs.findIndex((_, i) => matches(i));
  return index < 0 ? { kind: 'none' } : resolveLink(ctx, inputs[index]!.link, hops + 1);
}

/** Number of `widgets_values` entries a slot occupies. */
function width(slot: WidgetSlot): number {
  return 1 + (slot.control ? 1 : 0) + (slot.upload ? 1 : 0);
}

/**
 * Widget name → value for one node. Positional values follow {@link widgetSlots}; when the array is short by exactly
 * the linked widget inputs, those are taken as absent from it (some exporters drop converted widgets).
 */
export function mapWidgetValues(node: UiNode, def: NodeDefInfo): Record<string, unknown> {
  const slots = widgetSlots(def);
  const wv = node.widgets_values;
  const out: Record<string, unknown> = {};
  if (!wv) return out;
  if (!Array.isArray(wv)) {
    for (const slot of slots) if (slot.name in wv) out[slot.name] = wv[slot.name];
    return out;
  }
  const linked = new Set((node.inputs ?? []).filter((i) => i.link != null).map((i) => i.widget?.name ?? i.name));
  const full = slots.reduce((n, s) => n + width(s), 0);
  const withoutLinked = slots.filter((s) => !linked.has(s.name)).reduce((n, s) => n + width(s), 0);
  const skipLinked = wv.length < full && wv.length === withoutLinked;
  let at = 0;
  for (const slot of slots) {
    if (skipLinked && linked.has(slot.name)) continue;
    if (at < wv.length) out[slot.name] = wv[at];
    at += width(slot);
  }
  return out;
}

/** Literal lists would read as links on the wire, so they travel wrapped (docs/comfyui-protocol.md). */
function wireValue(value: unknown): unknown {
  return Array.isArray(value) ? { __value__: value } : value;
}

function convertNode(ctx: Ctx, node: UiNode, def: NodeDefInfo | undefined): ApiPrompt[string] {
  const inputs: Record<string, unknown> = {};
  if (def) for (const [name, value] of Object.entries(mapWidgetValues(node, def))) inputs[name] = wireValue(value);
  for (const input of node.inputs ?? []) {
    if (input.link == null) continue;
    const name = input.widget?.name ?? input.name;
    const source = resolveLink(ctx, input.link);
    if (source.kind === 'link') inputs[name] = [source.from, source.slot];
    else if (source.kind === 'const') inputs[name] = wireValue(source.value);
  }
  const title = node.title ?? def?.display_name ?? node.type;
  return { class_type: node.type, inputs, _meta: { title } };
}

/** True for nodes that become part of the prompt. */
function isSent(node: UiNode): boolean {
  return !VIRTUAL_NODE_TYPES.has(node.type) && node.mode !== NodeMode.never && node.mode !== NodeMode.bypass;
}

/**
 * Converts a UI workflow (schema 0.4 or 1, already parsed or raw JSON) to an API prompt.
 *
 * @param workflow the UI workflow; raw JSON is validated first.
 * @param objectInfo the `/object_info` dict; needed to name positional widget values. Nodes whose type is missing
 *   from it are still emitted (with their links only) so the server reports them as unknown, never dropped silently.
 * @returns node id (string) → `{class_type, inputs, _meta: {title}}`.
 * @throws Error naming the offending path when `workflow` is not a UI workflow.
 */
export function uiToApi(workflow: UiWorkflow | unknown, objectInfo: ObjectInfo): ApiPrompt {
  const parsed = parseUiWorkflow(workflow);
  if (!parsed.ok) throw new Error(parsed.error);
  const wf = parsed.workflow;
  const ctx: Ctx = {
    nodes: new Map(wf.nodes.map((n) => [String(n.id), n])),
    links: new Map((wf.links ?? []).map((l) => normaliseLink(l)).map((l) => [l.id, l])),
  };
  const prompt: ApiPrompt = {};
  for (const node of wf.nodes) {
    if (isSent(node)) prompt[String(node.id)] = convertNode(ctx, node, objectInfo[node.type]);
  }
  // A link can only point at a node that is sent; anything else is removed, as ComfyUI's frontend does.
  for (const node of Object.values(prompt)) {
    for (const [name, value] of Object.entries(node.inputs ?? {})) {
      if (Array.isArray(value) && !(String(value[0]) in prompt)) delete node.inputs![name];
    }
  }
  return prompt;
}
