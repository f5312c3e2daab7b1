/**
 * ComfyUI's WebSocket payloads (docs/comfyui-protocol.md, "WebSocket"), declared once for the server and the editor.
 * Pure: no Node or DOM imports.
 */

/** A JSON message: `{type, data}`. */
export interface WsJsonMessage {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/** Event words of the binary frames (the first big-endian u32 of a frame). */
export const BinaryEvent = { PREVIEW_IMAGE: 1, TEXT: 3, PREVIEW_IMAGE_WITH_METADATA: 4 } as const;

/** `image_type` word of a type-1 preview frame. */
export const PreviewImageType = { JPEG: 1, PNG: 2 } as const;

/** Metadata of a type-4 binary preview frame (ComfyUI PREVIEW_IMAGE_WITH_METADATA). */
export interface PreviewMeta {
  node_id: string;
  prompt_id: string;
  display_node_id: string;
  parent_node_id: string | null;
  real_node_id: string;
  image_type: 'image/png' | 'image/jpeg';
}
