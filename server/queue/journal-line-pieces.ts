/**
 * A long journal line as UTF-8 buffers of about `maxChars` characters each, encoded one at a time, so that a 50 MB
 * line is never encoded (or flattened) in one piece on the main thread (docs/reliability.md, "JSON"). A surrogate
 * pair is never split between two buffers (each half alone would be encoded as U+FFFD). Chunks that are bytes
 * already (a remembered prompt) are passed on in views of at most `maxChars` bytes, without a copy.
 */
import { isHighSurrogate, type JsonChunk } from '../protocol/json-codec.js';


export function* utf8Pieces(texts: readonly JsonChunk[], maxChars: number): Generator<Buffer> {
  let pending: string[] = [];
  let chars = 0;
  const flush = () => {
    const buf = Buffer.from(pending.length === 1 ? pending[0]! : pending.join(''), 'utf8');
    pending = [];
    chars = 0;
    return buf;
  };
  for (const text of texts) {
    if (typeof text !== 'string') {
      if (chars > 0) yield flush();
      for (let at = 0; at < text.length; at += maxChars) yield text.subarray(at, at + maxChars);
      continue;
    }
    let at = 0;
    while (at < text.length) {
      let end = Math.min(text.length, at + maxChars - chars);
      if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end--;
      if (end === at) {
        yield flush(); // only one character of room left and it is a pair's first half: start a new buffer
        continue;
      }
      pending.push(text.slice(at, end));
      chars += end - at;
      at = end;
      if (chars >= maxChars) yield flush();
    }
  }
  if (chars > 0) yield flush();
}
