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
  output_tooltips?: (string | null)[];
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
