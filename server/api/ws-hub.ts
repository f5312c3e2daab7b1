/**
 * The WebSocket side (docs/comfyui-protocol.md): one socket per client id, the `status` greeting, the `feature_flags`
 * handshake on a client's first message, and delivery of the worker's messages (JSON and binary frames).
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { PreviewImage } from '../engine/node-definition.js';
import type { MessageSink, PreviewMeta } from '../queue/message-sink.js';
import type { RunningPrompt } from '../queue/prompt-worker.js';
import { parseJson, stringifyJson } from '../protocol/json-codec.js';
import { previewFrame, previewWithMetadataFrame, textFrame } from './ws-frames.js';

export interface WsHubOptions {
  /** Server feature flags (the `/features` dict), sent in reply to a client's `feature_flags`. */
  readonly features: () => Record<string, unknown>;
  /** Pending + running prompts. */
  readonly queueRemaining: () => number;
  /** The running prompt of client `sid`, for the reconnect `executing` frame. */
  readonly running: (sid: string) => RunningPrompt | null;
  readonly log?: (message: string) => void;
}

interface Client {
  readonly ws: WebSocket;
  /** Flags the client announced; `supports_preview_metadata` selects type-4 previews. */
  flags: Record<string, unknown> | null;
  greeted: boolean;
}

/** Connected clients by session id; implements the worker's `MessageSink`. */
export class WsHub implements MessageSink {
  readonly #clients = new Map<string, Client>();

  constructor(private readonly options: WsHubOptions) {}

  get size(): number {
    return this.#clients.size;
  }

  /** Registers a socket under `clientId` (replacing an older socket of that id) and greets it. Returns the sid. */
  attach(ws: WebSocket, clientId: string | null): string {
    const sid = clientId && clientId.length > 0 ? clientId : randomUUID().replace(/-/g, '');
    const client: Client = { ws, flags: null, greeted: false };
    this.#clients.set(sid, client);
    ws.on('close', () => {
      if (this.#clients.get(sid) === client) this.#clients.delete(sid);
    });
    ws.on('error', (err) => this.options.log?.(`ws ${sid}: ${err.message}`));
    ws.on('message', (data, isBinary) => this.#onMessage(sid, client, data.toString(), isBinary));
    this.#sendTo(client, { type: 'status', data: { ...this.#status(), sid } });
    const run = this.options.running(sid);
    if (run && run.clientId === sid && run.node !== null) this.#sendTo(client, { type: 'executing', data: { node: run.node } });
    return sid;
  }

  /** ComfyUI reads only the first text message: a `feature_flags` announcement. */
  #onMessage(sid: string, client: Client, text: string, isBinary: boolean): void {
    if (isBinary || client.greeted) return;
    client.greeted = true;
    let msg: unknown;
    try {
      msg = parseJson(text);
    } catch {
      this.options.log?.(`ws ${sid}: ignoring a message that is not JSON`);
      return;
    }
    const m = msg as { type?: unknown; data?: unknown };
    if (m?.type !== 'feature_flags' || typeof m.data !== 'object' || m.data === null) return;
    client.flags = m.data as Record<string, unknown>;
    this.#sendTo(client, { type: 'feature_flags', data: this.options.features() });
  }

  #status(): Record<string, unknown> {
    return { status: { exec_info: { queue_remaining: this.options.queueRemaining() } } };
  }

  /** Broadcasts `status` (queue changes). */
  broadcastStatus(): void {
    this.sendJson('status', this.#status(), null);
  }

  #sendTo(client: Client, payload: unknown): void {
    this.#sendRaw(client, stringifyJson(payload));
  }

  #sendRaw(client: Client, frame: string | Buffer): void {
    if (client.ws.readyState !== client.ws.OPEN) return;
    client.ws.send(frame, (err) => {
      if (err) this.options.log?.(`ws send failed: ${err.message}`);
    });
  }

  #targets(sid: string | null): Client[] {
    if (sid === null) return [...this.#clients.values()];
    const c = this.#clients.get(sid);
    return c ? [c] : [];
  }

  sendJson(type: string, data: Record<string, unknown>, sid: string | null): void {
    const targets = this.#targets(sid);
    if (targets.length === 0) return;
    const frame = stringifyJson({ type, data });
    for (const c of targets) this.#sendRaw(c, frame);
  }

  sendPreview(image: PreviewImage, meta: PreviewMeta, sid: string | null): void {
    for (const c of this.#targets(sid)) {
      this.#sendRaw(c, c.flags?.supports_preview_metadata === true ? previewWithMetadataFrame(image, meta) : previewFrame(image));
    }
  }

  sendText(nodeId: string, text: string, sid: string | null): void {
    const targets = this.#targets(sid);
    if (targets.length === 0) return;
    const frame = textFrame(nodeId, text);
    for (const c of targets) this.#sendRaw(c, frame);
  }

  /** Closes every socket (server shutdown). */
  closeAll(code = 1001, reason = 'server shutting down'): void {
    for (const c of this.#clients.values()) c.ws.close(code, reason);
    this.#clients.clear();
  }
}
