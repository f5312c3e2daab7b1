/**
 * Reconnecting WebSocket to `/ws?clientId=…` (docs/comfyui-protocol.md). JSON frames are dispatched by `type`; binary preview
 * frames (event 1: `u32 image_type` + image, event 4: `u32 json_len` + metadata JSON + image; big-endian) are turned
 * into Blobs; text frames (event 3) into node text lines. On close it reconnects with capped exponential backoff (0.5 s → 5 s) and keeps the same client id, so
 * the server keeps routing this client's prompt events to it.
 */

import { BinaryEvent, PreviewImageType, type WsJsonMessage } from '../../server/protocol/ws-messages.js';

/** A JSON message from the server. */
export type WsMessage = WsJsonMessage;

/** A binary image preview; `nodeId` is known only for metadata frames (event 4). */
export interface WsPreview {
  blob: Blob;
  nodeId?: string;
  promptId?: string;
}

/** A text line a running node sent (event 3: `u32 node_id_len` + node id + UTF-8 text). */
export interface WsText {
  nodeId: string;
  text: string;
}

/** Decodes a text frame; undefined for other frames. */
export function decodeTextFrame(buf: ArrayBuffer): WsText | undefined {
  if (buf.byteLength < 8) return undefined;
  const view = new DataView(buf);
  if (view.getUint32(0) !== BinaryEvent.TEXT) return undefined;
  const len = view.getUint32(4);
  const dec = new TextDecoder();
  return { nodeId: dec.decode(new Uint8Array(buf, 8, len)), text: dec.decode(new Uint8Array(buf, 8 + len)) };
}

/** Callbacks of {@link ReconnectingSocket}. */
export interface SocketHandlers {
  onMessage(msg: WsMessage): void;
  onPreview(preview: WsPreview): void;
  onText?(text: WsText): void;
  onConnectionChange(connected: boolean): void;
}

const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 5000;

/** Decodes one binary frame; undefined for frame kinds the editor does not show. */
export function decodeBinaryFrame(buf: ArrayBuffer): WsPreview | undefined {
  if (buf.byteLength < 8) return undefined;
  const view = new DataView(buf);
  const event = view.getUint32(0);
  if (event === BinaryEvent.PREVIEW_IMAGE) {
    const mime = view.getUint32(4) === PreviewImageType.PNG ? 'image/png' : 'image/jpeg';
    return { blob: new Blob([buf.slice(8)], { type: mime }) };
  }
  if (event === BinaryEvent.PREVIEW_IMAGE_WITH_METADATA) {
    const len = view.getUint32(4);
    const meta = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 8, len))) as Record<string, unknown>;
    const mime = typeof meta.image_type === 'string' ? meta.image_type : 'image/png';
    const nodeId = meta.display_node_id ?? meta.node_id;
    return {
      blob: new Blob([buf.slice(8 + len)], { type: mime }),
      nodeId: nodeId == null ? undefined : String(nodeId),
      promptId: meta.prompt_id == null ? undefined : String(meta.prompt_id),
    };
  }
  return undefined;
}

/** A WebSocket that comes back by itself. Call {@link close} to stop for good. */
export class ReconnectingSocket {
  private socket?: WebSocket;
  private delay = MIN_DELAY_MS;
  private closed = false;
  private timer?: ReturnType<typeof setTimeout>;
  connected = false;

  constructor(private readonly clientId: string, private readonly handlers: SocketHandlers) {}

  /** Opens the socket (and keeps reopening it after drops). */
  open(): void {
    if (this.closed) return;
    const url = new URL(`ws?clientId=${encodeURIComponent(this.clientId)}`, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    this.socket = ws;
    ws.addEventListener('open', () => {
      this.delay = MIN_DELAY_MS;
      this.setConnected(true);
      // Ask for metadata preview frames so previews name their node (docs/comfyui-protocol.md, binary frames).
      ws.send(JSON.stringify({ type: 'feature_flags', data: { supports_preview_metadata: true } }));
    });
    ws.addEventListener('message', (ev) => this.dispatch(ev.data));
    ws.addEventListener('close', () => this.scheduleReconnect(ws));
    // An error is always followed by close; reconnection happens there.
    ws.addEventListener('error', () => undefined);
  }

  /** Stops the socket and any pending reconnect. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.socket?.close();
  }

  private scheduleReconnect(ws: WebSocket): void {
    if (ws !== this.socket) return;
    this.setConnected(false);
    if (this.closed) return;
    this.timer = setTimeout(() => this.open(), this.delay);
    this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
  }

  private setConnected(value: boolean): void {
    if (this.connected === value) return;
    this.connected = value;
    this.handlers.onConnectionChange(value);
  }

  private dispatch(data: unknown): void {
    if (data instanceof ArrayBuffer) {
      const preview = decodeBinaryFrame(data);
      if (preview) this.handlers.onPreview(preview);
      const text = decodeTextFrame(data);
      if (text) this.handlers.onText?.(text);
      return;
    }
    try {
      const msg = JSON.parse(String(data)) as WsMessage;
      if (msg && typeof msg.type === 'string') this.handlers.onMessage({ type: msg.type, data: msg.data ?? {} });
    } catch {
      console.warn('ignoring a WebSocket frame that is not JSON');
    }
  }
}
