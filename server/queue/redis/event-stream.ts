/**
 * The worker → server stream (`pg:events`): one Redis stream entry per client message, result or status change,
 * in the order the worker produced them. The server reads it with a consumer group, so entries written while
 * it was down are handled when it comes back (results included), and deletes each entry once handled.
 */
import type { PreviewImage } from '../../engine/node-definition.js';
import { parseJson, stringifyJson } from '../../protocol/json-codec.js';
import type { HistoryEntry } from '../history-store.js';
import type { PreviewMeta } from '../message-sink.js';

/** A file a worker wrote that the server must hold before the result is visible: its bytes are `pg:blob:<sha256>`. */
export interface FileRef {
  readonly type: 'output' | 'temp';
  readonly subfolder: string;
  readonly filename: string;
  readonly sha256: string;
}

/** One stream entry. `sid` null = broadcast. */
export type StreamEvent =
  | { readonly kind: 'json'; readonly sid: string | null; readonly type: string; readonly data: Record<string, unknown> }
  | { readonly kind: 'preview'; readonly sid: string | null; readonly image: PreviewImage; readonly meta: PreviewMeta }
  | { readonly kind: 'text'; readonly sid: string | null; readonly node: string; readonly text: string }
  /** The queue changed (a worker took or finished a prompt): the server re-reads the counts and broadcasts. */
  | { readonly kind: 'status' }
  /** A finished prompt: files first, then its history record. */
  | { readonly kind: 'result'; readonly promptId: string; readonly entry: HistoryEntry; readonly files: readonly FileRef[] };

/** XADD field/value arguments for an event. */
export function encodeEvent(ev: StreamEvent): (string | Buffer)[] {
  switch (ev.kind) {
    case 'json':
      return ['k', 'json', 's', ev.sid ?? '', 't', ev.type, 'd', stringifyJson(ev.data)];
    case 'preview':
      return ['k', 'preview', 's', ev.sid ?? '', 'f', ev.image.format, 'o', ev.image.isOutput ? '1' : '', 'm', JSON.stringify(ev.meta), 'b', Buffer.from(ev.image.data)];
    case 'text':
      return ['k', 'text', 's', ev.sid ?? '', 'n', ev.node, 'd', ev.text];
    case 'status':
      return ['k', 'status'];
    case 'result':
      return ['k', 'result', 'p', ev.promptId, 'd', stringifyJson(ev.entry), 'f', JSON.stringify(ev.files)];
  }
}

/** Decodes the flat field list of a stream entry read as buffers; throws on an unknown kind. */
export function decodeEvent(fields: Buffer[]): StreamEvent {
  const f = new Map<string, Buffer>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!.toString(), fields[i + 1]!);
  const s = (k: string): string => f.get(k)?.toString() ?? '';
  const sid = s('s') === '' ? null : s('s');
  switch (s('k')) {
    case 'json':
      return { kind: 'json', sid, type: s('t'), data: parseJson(s('d')) as Record<string, unknown> };
    case 'preview':
      return {
        kind: 'preview',
        sid,
        image: { format: s('f') === 'png' ? 'png' : 'jpeg', data: new Uint8Array(f.get('b') ?? Buffer.alloc(0)), ...(s('o') === '1' ? { isOutput: true } : {}) },
        meta: JSON.parse(s('m')) as PreviewMeta,
      };
    case 'text':
      return { kind: 'text', sid, node: s('n'), text: s('d') };
    case 'status':
      return { kind: 'status' };
    case 'result':
      return { kind: 'result', promptId: s('p'), entry: parseJson(s('d')) as HistoryEntry, files: JSON.parse(s('f')) as FileRef[] };
    default:
      throw new Error(`unknown event kind "${s('k')}"`);
  }
}
