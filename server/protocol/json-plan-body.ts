/** The worker's job (the off-thread `json` lane, server/api/json-body-parse.ts): a request body's bytes → its parse plan (json-pieces.ts). */
import { isUtf8 } from 'node:buffer';
import { planJson, type JsonPlan } from './json-pieces.js';

/**
 * Plans the parse of UTF-8 `bytes`. Bytes that are not valid UTF-8 are left to the inline parse: decoding
 * replaces them, so the pieces' byte offsets would not match the body.
 * @throws SyntaxError as `parseJson` would.
 */
export function planBody(bytes: Uint8Array, pieceChars?: number): JsonPlan {
  if (!isUtf8(bytes)) return { kind: 'inline', reason: 'not valid UTF-8' };
  return planJson(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), { pieceChars });
}
