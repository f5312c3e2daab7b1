/**
 * A real `ws` client that records every frame, for asserting exact message sequences.
 */
import WebSocket from 'ws';
import { parseJson, stringifyJson } from '../../server/protocol/json-codec.js';

/** A JSON frame `{type, data}` as received. */
export interface WsMessage {
  type: string;
  data: any;
}

export interface WsClientOptions {
  readonly clientId?: string;
  readonly token?: string;
  readonly headers?: Record<string, string>;
  /** Sent as the first message (`{type: 'feature_flags', data}`) right after opening. */
  readonly featureFlags?: Record<string, unknown>;
}

/** A connected client: `messages` (JSON) and `binary` (frames) fill as they arrive. */
export interface WsClient {
  readonly ws: WebSocket;
  readonly messages: WsMessage[];
  readonly binary: Buffer[];
  /** Resolves with the first message (already received or future) matching `pred`, scanning from `from`. */
  waitFor(pred: (m: WsMessage) => boolean, options?: { from?: number; timeoutMs?: number }): Promise<WsMessage>;
  /** Waits for the final `executing {node: null}` of a prompt. */
  waitForDone(promptId: string, timeoutMs?: number): Promise<WsMessage>;
  close(): Promise<void>;
}

/** Connects to `${httpUrl}/ws`; rejects with the HTTP status on a refused upgrade. */
export function connectWs(httpUrl: string, options: WsClientOptions = {}): Promise<WsClient> {
  const url = new URL('/ws', httpUrl.replace(/^http/, 'ws'));
  if (options.clientId) url.searchParams.set('clientId', options.clientId);
  if (options.token) url.searchParams.set('token', options.token);
  const ws = new WebSocket(url, { headers: options.headers });
  const messages: WsMessage[] = [];
  const binary: Buffer[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data, isBinary) => {
    if (isBinary) binary.push(Buffer.from(data as Buffer));
    else messages.push(parseJson(data.toString()) as WsMessage);
    for (const w of [...waiters]) w();
  });
  const client: WsClient = {
    ws, messages, binary,
    waitFor(pred, o = {}) {
      const timeoutMs = o.timeoutMs ?? 10_000;
      return new Promise((resolve, reject) => {
        let i = o.from ?? 0;
        const check = () => {
          for (; i < messages.length; i++) {
            if (pred(messages[i]!)) {
              cleanup();
              return resolve(messages[i]!);
            }
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching WS message within ${timeoutMs} ms; got ${messages.map((m) => m.type).join(', ')}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    waitForDone(promptId, timeoutMs) {
      return client.waitFor((m) => m.type === 'executing' && m.data.node === null && m.data.prompt_id === promptId, { timeoutMs });
    },
    close() {
      return new Promise((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
      });
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      if (options.featureFlags) ws.send(stringifyJson({ type: 'feature_flags', data: options.featureFlags }));
      resolve(client);
    });
    ws.once('unexpected-response', (_req, res) => reject(new Error(`WebSocket upgrade refused: HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}
