/**
 * ComfyUI's binary WebSocket frames (docs/comfyui-protocol.md). Every integer is an unsigned 32-bit big-endian word.
 */
import type { PreviewImage } from '../engine/node-definition.js';
import { BinaryEvent, PreviewImageType, type PreviewMeta } from '../protocol/ws-messages.js';

export { BinaryEvent };

function words(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v, 4 * i));
  return b;
}

/** Type 1: `[1][image_type: 1 = JPEG, 2 = PNG][image bytes]`. */
export function previewFrame(image: PreviewImage): Buffer {
  return Buffer.concat([words(BinaryEvent.PREVIEW_IMAGE, image.format === 'png' ? PreviewImageType.PNG : PreviewImageType.JPEG), image.data]);
}

/** Type 4: `[4][json_len][metadata JSON][image bytes]`, for clients that announced `supports_preview_metadata`. */
export function previewWithMetadataFrame(image: PreviewImage, meta: PreviewMeta): Buffer {
  const json = Buffer.from(JSON.stringify(meta), 'utf8');
  return Buffer.concat([words(BinaryEvent.PREVIEW_IMAGE_WITH_METADATA, json.length), json, image.data]);
}

/** Type 3: `[3][node_id_len][node_id UTF-8][text UTF-8]`. */
export function textFrame(nodeId: string, text: string): Buffer {
  const id = Buffer.from(nodeId, 'utf8');
  return Buffer.concat([words(BinaryEvent.TEXT, id.length), id, Buffer.from(text, 'utf8')]);
}
