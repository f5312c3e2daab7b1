/**
 * ComfyUI's API prompt format on the wire (the engine converts it into its tagged graph in
 * `server/engine/graph.ts`; see docs/comfyui-protocol.md).
 */
import { z } from 'zod';

/** One node of an API-format prompt: `{class_type, inputs, _meta}`. */
export const apiNodeSchema = z
  .object({
    class_type: z.string().optional(),
    inputs: z.record(z.string(), z.unknown()).optional().default({}),
    _meta: z.object({ title: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();
export type ApiNode = z.infer<typeof apiNodeSchema>;

/** An API-format prompt: node id → node. */
export const apiPromptSchema = z.record(z.string(), apiNodeSchema);
export type ApiPrompt = z.infer<typeof apiPromptSchema>;

/** The body of `POST /prompt`. */
export const promptRequestSchema = z
  .object({
    prompt: z.unknown().optional(),
    client_id: z.string().optional(),
    prompt_id: z.string().min(1).optional(),
    number: z.number().optional(),
    front: z.unknown().optional(),
    partial_execution_targets: z.array(z.union([z.string(), z.number()]).transform(String)).optional(),
    extra_data: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();
export type PromptRequest = z.infer<typeof promptRequestSchema>;
