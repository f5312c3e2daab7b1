/**
 * The editor's (litegraph's) UI workflow JSON: what "Save" writes, what a SaveImage PNG carries in its `workflow`
 * chunk, and what `workflows/*.json` hold. Two link encodings exist: schema 0.4 stores links as arrays
 * `[id, origin_id, origin_slot, target_id, target_slot, type]`, schema 1 as objects. The schemas are loose: unknown
 * keys (colours, groups, extension data) pass through untouched so a load/save round trip loses nothing.
 *
 * This module is shared by the server, the CLI and the browser editor, so it imports nothing from Node.
 */
import { z } from 'zod';

/** Node and link ids are ints in practice; strings are tolerated (ComfyUI does the same). */
export const uiIdSchema = z.union([z.number(), z.string()]);
export type UiId = z.infer<typeof uiIdSchema>;

/** One input slot of a UI node. `widget` marks a widget input that also has a socket (a "converted" widget). */
export const uiNodeInputSchema = z.looseObject({
  name: z.string(),
  type: z.unknown().optional(),
  link: z.number().nullable().optional(),
  widget: z.looseObject({ name: z.string() }).optional(),
  label: z.string().optional(),
});
export type UiNodeInput = z.infer<typeof uiNodeInputSchema>;

/** One output slot of a UI node; `links` lists the ids of the links leaving it. */
export const uiNodeOutputSchema = z.looseObject({
  name: z.string().optional(),
  type: z.unknown().optional(),
  links: z.array(z.number()).nullable().optional(),
  slot_index: z.number().optional(),
});
export type UiNodeOutput = z.infer<typeof uiNodeOutputSchema>;

/**
 * Litegraph node modes: 0 always, 1 on-event, 2 never ("muted": left out of the prompt), 3 on-trigger,
 * 4 bypass (left out, its links rewired through inputs of matching type).
 */
export const NodeMode = { always: 0, onEvent: 1, never: 2, onTrigger: 3, bypass: 4 } as const;

/** One node of a UI workflow. `widgets_values` is positional (array) or, for a few nodes, keyed by widget name. */
export const uiNodeSchema = z.looseObject({
  id: uiIdSchema,
  type: z.string(),
  pos: z.union([z.array(z.number()), z.record(z.string(), z.number())]).optional(),
  size: z.union([z.array(z.number()), z.record(z.string(), z.number())]).optional(),
  flags: z.record(z.string(), z.unknown()).optional(),
  order: z.number().optional(),
  mode: z.number().optional(),
  title: z.string().optional(),
  inputs: z.array(uiNodeInputSchema).optional(),
  outputs: z.array(uiNodeOutputSchema).optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
  widgets_values: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]).optional(),
});
export type UiNode = z.infer<typeof uiNodeSchema>;

/** Schema 0.4 link: `[link_id, origin_id, origin_slot, target_id, target_slot, type]` (type may be odd). */
export const uiLinkTupleSchema = z.tuple([z.number(), uiIdSchema, z.number(), uiIdSchema, z.number()], z.unknown());
export type UiLinkTuple = z.infer<typeof uiLinkTupleSchema>;

/** Schema 1 link object (`parentId` is the first native reroute the link passes through). */
export const uiLinkObjectSchema = z.looseObject({
  id: z.number(),
  origin_id: uiIdSchema,
  origin_slot: z.number(),
  target_id: uiIdSchema,
  target_slot: z.number(),
  type: z.unknown().optional(),
  parentId: z.number().optional(),
});
export type UiLinkObject = z.infer<typeof uiLinkObjectSchema>;

/** A UI workflow of schema 0.4 or 1. Links of either encoding are accepted in either version. */
export const uiWorkflowSchema = z.looseObject({
  id: z.string().optional(),
  revision: z.number().optional(),
  version: z.number().optional(),
  last_node_id: z.number().optional(),
  last_link_id: z.number().optional(),
  state: z.record(z.string(), z.unknown()).optional(),
  nodes: z.array(uiNodeSchema),
  links: z.array(z.union([uiLinkTupleSchema, uiLinkObjectSchema])).nullable().optional(),
  groups: z.array(z.unknown()).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  extra: z.record(z.string(), z.unknown()).optional(),
  definitions: z.record(z.string(), z.unknown()).optional(),
});
export type UiWorkflow = z.infer<typeof uiWorkflowSchema>;

/** A link in one shape, whichever encoding it came from. Ids are kept as found; compare with `String(id)`. */
export interface UiLink {
  id: number;
  origin_id: UiId;
  origin_slot: number;
  target_id: UiId;
  target_slot: number;
  type: unknown;
}

/** Converts both link encodings to {@link UiLink}. */
export function normaliseLink(link: UiLinkTuple | UiLinkObject): UiLink {
  if (Array.isArray(link)) {
    const [id, originId, originSlot, targetId, targetSlot, type] = link;
    return { id, origin_id: originId, origin_slot: originSlot, target_id: targetId, target_slot: targetSlot, type };
  }
  const l = link as UiLinkObject;
  return { id: l.id, origin_id: l.origin_id, origin_slot: l.origin_slot, target_id: l.target_id, target_slot: l.target_slot, type: l.type };
}

/** Result of {@link parseUiWorkflow}. */
export type ParseUiWorkflowResult = { ok: true; workflow: UiWorkflow } | { ok: false; error: string };

/** Validates untrusted JSON as a UI workflow; the error names the first offending path, e.g. `nodes.3.type`. */
export function parseUiWorkflow(json: unknown): ParseUiWorkflowResult {
  const result = uiWorkflowSchema.safeParse(json);
  if (result.success) return { ok: true, workflow: result.data };
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : '(root)';
  return { ok: false, error: `not a UI workflow: ${where}: ${issue?.message ?? 'invalid'}` };
}

/**
 * Tells the two workflow formats apart: a UI workflow has a `nodes` array; an API prompt is an object whose values
 * are all `{class_type, inputs}` objects. Anything else is 'unknown'.
 */
export function detectWorkflowFormat(json: unknown): 'ui' | 'api' | 'unknown' {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return 'unknown';
  if (Array.isArray((json as { nodes?: unknown }).nodes)) return 'ui';
  const values = Object.values(json);
  const isApiNode = (v: unknown) => !!v && typeof v === 'object' && typeof (v as { class_type?: unknown }).class_type === 'string';
  return values.length > 0 && values.every(isApiNode) ? 'api' : 'unknown';
}
