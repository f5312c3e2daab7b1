/**
 * ComfyUI's `/object_info` schema (docs/comfyui-protocol.md, "/object_info"), declared once: the engine generates
 * entries of this type, the UI→API conversion and the editor read them.
 */

/** An input spec: `[TYPE]`, `[TYPE, options]` or, for a combo, `[[choices...], options]`. */
export type WireInputSpec = [string | string[], Record<string, unknown>?];

/** One node definition as `/object_info` publishes it. */
export interface ObjectInfoEntry {
  input: { required: Record<string, WireInputSpec>; optional?: Record<string, WireInputSpec>; hidden?: Record<string, string> };
  input_order: { required: string[]; optional?: string[]; hidden?: string[] };
  output: string[];
  output_is_list: boolean[];
  output_name: string[];
  /** One per output; '' for an output without a tooltip (ComfyUI's frontend accepts only strings here). */
  output_tooltips?: string[];
  name: string;
  display_name: string;
  description: string;
  python_module: string;
  category: string;
  output_node: boolean;
  /** Set by some ComfyUI nodes; ours never publish them. */
  deprecated?: boolean;
  experimental?: boolean;
}

/** The whole `/object_info` reply: class name → definition. */
export type ObjectInfo = Record<string, ObjectInfoEntry>;

/** `python_module` of built-in nodes: ComfyUI's frontend shows such nodes as core nodes. */
export const BUILTIN_PYTHON_MODULE = 'nodes';

/** What our built-in nodes are called where a pack name is shown (the editor's search). */
export const BUILTIN_PACK_LABEL = 'perceptgraph';

/**
 * `python_module` for a node of third-party pack `pack` (`custom_nodes.<pack>`, the form ComfyUI's frontend reads
 * the pack name from), or `nodes` for a built-in node (no pack).
 */
export function pythonModuleOf(pack: string | undefined): string {
  return pack ? `custom_nodes.${pack}` : BUILTIN_PYTHON_MODULE;
}

/** The pack name to show for a `python_module`: the custom pack's name, or `perceptgraph` for built-ins. */
export function packLabelOf(pythonModule: string | undefined): string {
  if (!pythonModule || pythonModule === BUILTIN_PYTHON_MODULE || pythonModule.startsWith('comfy_')) return BUILTIN_PACK_LABEL;
  const m = /^custom_nodes\.([^.]+)/.exec(pythonModule);
  return m ? m[1]! : pythonModule;
}
