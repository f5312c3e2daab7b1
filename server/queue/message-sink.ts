/**
 * Where the worker's client messages go (the WebSocket hub implements it), and ComfyUI's routing rules for them
 * (docs/comfyui-protocol.md).
 */
import type { ExecutionEvent } from '../engine/execution-events.js';
import type { PreviewImage } from '../engine/node-definition.js';
import { wireExecutionError } from '../engine/wire.js';
import type { PreviewMeta } from '../protocol/ws-messages.js';

export type { PreviewMeta };

/** Delivery to one client (`sid`) or, with `sid === null`, to every connected client. Never throws. */
export interface MessageSink {
  sendJson(type: string, data: Record<string, unknown>, sid: string | null): void;
  sendPreview(image: PreviewImage, meta: PreviewMeta, sid: string | null): void;
  sendText(nodeId: string, text: string, sid: string | null): void;
}

/**
 * `owner`: only to the prompt's client, dropped when it has none. `owner-or-all`: to the client, or broadcast
 * when the prompt has none (execution_interrupted, progress, previews, text).
 */
export type Route = 'owner' | 'owner-or-all';

/** One message derived from an execution event. */
export type OutboundMessage =
  | { readonly kind: 'json'; readonly type: string; readonly data: Record<string, unknown>; readonly route: Route }
  | { readonly kind: 'preview'; readonly image: PreviewImage; readonly meta: PreviewMeta; readonly route: Route }
  | { readonly kind: 'text'; readonly node: string; readonly text: string; readonly route: Route };

/** Message types that are also recorded in the history's `status.messages`. */
export const HISTORY_MESSAGE_TYPES: ReadonlySet<string> = new Set([
  'execution_start',
  'execution_cached',
  'execution_success',
  'execution_error',
  'execution_interrupted',
]);

/**
 * Maps an engine event to ComfyUI's wire message, adding `prompt_id` and (where ComfyUI has one) `timestamp` (ms);
 * null for events with no message of their own (`node_finished` only feeds `progress_state`, progress-state.ts).
 */
export function toOutbound(ev: ExecutionEvent, promptId: string, now: number): OutboundMessage | null {
  const json = (type: string, data: Record<string, unknown>, route: Route = 'owner'): OutboundMessage => ({ kind: 'json', type, data, route });
  switch (ev.type) {
    case 'execution_start':
    case 'execution_success':
      return json(ev.type, { prompt_id: promptId, timestamp: now });
    case 'execution_cached':
      return json(ev.type, { nodes: [...ev.nodes], prompt_id: promptId, timestamp: now });
    case 'executing':
      return json(ev.type, { node: ev.node, display_node: ev.node, prompt_id: promptId });
    case 'executed':
      return json(ev.type, { node: ev.node, display_node: ev.node, output: ev.output, prompt_id: promptId });
    case 'node_finished':
      return null;
    case 'progress':
      return json(ev.type, { value: ev.value, max: ev.max, prompt_id: promptId, node: ev.node }, 'owner-or-all');
    case 'execution_error':
      return json(ev.type, { prompt_id: promptId, ...wireExecutionError(ev.error), timestamp: now });
    case 'execution_blocked': {
      // ComfyUI's execution_block_cb: an execution_error for the blocked node, sent while the prompt goes on.
      const error = wireExecutionError({
        nodeId: ev.node, nodeType: ev.nodeType, executed: ev.executed, exceptionMessage: `Execution Blocked: ${ev.message}`,
        exceptionType: 'ExecutionBlocked', traceback: [], currentInputs: {}, currentOutputs: [],
      });
      return json('execution_error', { prompt_id: promptId, ...error, timestamp: now });
    }
    case 'execution_interrupted':
      return json(ev.type, { prompt_id: promptId, node_id: ev.node, node_type: ev.nodeType, executed: [...ev.executed], timestamp: now }, 'owner-or-all');
    case 'preview': {
      const meta: PreviewMeta = {
        node_id: ev.node,
        prompt_id: promptId,
        display_node_id: ev.node,
        parent_node_id: null,
        real_node_id: ev.node,
        image_type: ev.image.format === 'png' ? 'image/png' : 'image/jpeg',
      };
      return { kind: 'preview', image: ev.image, meta, route: 'owner-or-all' };
    }
    case 'text':
      return { kind: 'text', node: ev.node, text: ev.text, route: 'owner-or-all' };
  }
}
