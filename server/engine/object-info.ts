/**
 * `/object_info` generated from node definitions, in ComfyUI's exact schema (`server/protocol/object-info.ts`).
 */
import { pythonModuleOf, type ObjectInfoEntry, type WireInputSpec } from '../protocol/object-info.js';
import { comboChoices, type InputSpec } from './inputs.js';
import type { AnyNodeDefinition, OutputsDecl } from './node-definition.js';
import type { NodeRegistry } from './registry.js';

export type { ObjectInfoEntry, WireInputSpec };

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** The wire options of one input spec (camelCase options become ComfyUI's snake_case keys). */
export function wireOptions(spec: InputSpec): Record<string, unknown> {
  const common = { tooltip: spec.options.tooltip, forceInput: spec.options.forceInput, lazy: spec.options.lazy, rawLink: spec.options.rawLink };
  switch (spec.kind) {
    case 'INT': {
      const { default: d, min, max, step, controlAfterGenerate } = spec.options;
      return dropUndefined({ ...common, default: d, min, max, step, control_after_generate: controlAfterGenerate });
    }
    case 'FLOAT': {
      const { default: d, min, max, step, round } = spec.options;
      return dropUndefined({ ...common, default: d, min, max, step, round });
    }
    case 'STRING': {
      const { default: d, multiline, placeholder, dynamicPrompts } = spec.options;
      return dropUndefined({ ...common, default: d, multiline, placeholder, dynamicPrompts });
    }
    case 'BOOLEAN': {
      const { default: d, labelOn, labelOff } = spec.options;
      return dropUndefined({ ...common, default: d, label_on: labelOn, label_off: labelOff });
    }
    case 'COMBO': {
      const { default: d, imageUpload, controlAfterGenerate } = spec.options;
      return dropUndefined({ ...common, default: d, image_upload: imageUpload, control_after_generate: controlAfterGenerate });
    }
    case 'SOCKET':
      return dropUndefined(common);
  }
}

/** `[type, options]` as published; combos publish their current choice list in place of the type. */
export function wireSpec(spec: InputSpec, services?: unknown): WireInputSpec {
  const type = spec.kind === 'COMBO' ? [...comboChoices(spec, services)] : spec.type;
  return [type, wireOptions(spec)];
}

function section(specs: Readonly<Record<string, InputSpec>> | undefined, services?: unknown): Record<string, WireInputSpec> | undefined {
  if (!specs) return undefined;
  return Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, wireSpec(s, services)]));
}

/** Builds the `/object_info` entry of one node definition. */
export function objectInfoEntry(def: AnyNodeDefinition, services?: unknown): ObjectInfoEntry {
  const { required, optional, hidden } = def.inputs;
  const input: ObjectInfoEntry['input'] = { required: section(required, services) ?? {} };
  const order: ObjectInfoEntry['input_order'] = { required: Object.keys(required ?? {}) };
  if (optional) {
    input.optional = section(optional, services);
    order.optional = Object.keys(optional);
  }
  if (hidden) {
    input.hidden = { ...hidden };
    order.hidden = Object.keys(hidden);
  }
  const outputs: OutputsDecl = def.outputs;
  const entry: ObjectInfoEntry = {
    input,
    input_order: order,
    output: outputs.map((o) => o.type.name),
    output_is_list: outputs.map((o) => o.isList ?? false),
    output_name: outputs.map((o) => o.name ?? o.type.name),
    name: def.type,
    display_name: def.displayName ?? def.type,
    description: def.description ?? '',
    python_module: pythonModuleOf(def.pack),
    category: def.category,
    output_node: def.outputNode ?? false,
  };
  if (outputs.some((o) => o.tooltip)) entry.output_tooltips = outputs.map((o) => o.tooltip ?? '');
  return entry;
}

/**
 * The `/object_info` dict (all nodes, or only the node `only` when given). A definition that throws while being described (e.g. its combo source failed)
 * is skipped and reported through `onError`, as ComfyUI does, instead of failing the response.
 */
export function objectInfo(
  registry: NodeRegistry,
  onError?: (type: string, err: unknown) => void,
  services?: unknown,
  only?: string,
): Record<string, ObjectInfoEntry> {
  const out: Record<string, ObjectInfoEntry> = {};
  // `/object_info/{class}` describes one node: listing every other node's combo choices would be wasted I/O.
  const defs = only === undefined ? registry.all() : [registry.get(only)].filter((d) => d !== undefined);
  for (const def of defs) {
    try {
      out[def.type] = objectInfoEntry(def, services);
    } catch (err) {
      onError?.(def.type, err);
    }
  }
  return out;
}
