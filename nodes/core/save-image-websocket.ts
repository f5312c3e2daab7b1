/**
 * SaveImageWebsocket: sends each image of the batch as a PNG binary frame to the client that queued the prompt
 * and saves nothing (ComfyUI's node of the same name, used by its `websockets_api_example_ws_images.py`). The
 * frame is type 1 `[1][2 = PNG][bytes]`, or type 4 with metadata for clients that announced
 * `supports_preview_metadata`, as for previews (docs/comfyui-protocol.md). Never cached, as ComfyUI's IS_CHANGED
 * returns the time: a client asking again must get the images again.
 */
import { encodePng } from '../../models/image/encode.js';
import { socket } from '../../server/engine/inputs.js';
import { defineNode } from '../define-node.js';
import { IMAGE } from '../socket-types.js';

export const saveImageWebsocketNode = defineNode({
  type: 'SaveImageWebsocket',
  category: 'api/image',
  displayName: 'Save Image (Websocket)',
  description: 'Sends the images to the client over the WebSocket as PNG binary frames; nothing is written to disk.',
  inputs: { required: { images: socket(IMAGE, { tooltip: 'The images to send.' }) } },
  outputs: [],
  outputNode: true,
  fingerprint: () => NaN,
  async run(ctx, { images }) {
    const n = images.dims[0]!;
    for (let i = 0; i < n; i++) {
      const data = await encodePng(images, i, { compressionLevel: 1 });
      ctx.progress(i + 1, n, { format: 'png', data, isOutput: true });
    }
    return {};
  },
});
