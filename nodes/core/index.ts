/** The core image node pack: loading, saving, previewing, scaling and batching images. */
import type { AnyNodeDefinition } from '../../server/engine/node-definition.js';
import { imageBatchNode } from './image-batch.js';
import { imageScaleNode } from './image-scale.js';
import { loadImageNode } from './load-image.js';
import { previewImageNode } from './preview-image.js';
import { saveImageNode } from './save-image.js';
import { saveImageWebsocketNode } from './save-image-websocket.js';

/** Every core node, for `NodeRegistry.addAll`. */
export const coreNodes: AnyNodeDefinition[] = [loadImageNode, saveImageNode, previewImageNode, saveImageWebsocketNode, imageScaleNode, imageBatchNode];

export { imageBatchNode, imageScaleNode, loadImageNode, previewImageNode, saveImageNode, saveImageWebsocketNode };
