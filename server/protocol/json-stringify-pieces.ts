/**
 * `stringifyJson` of a big object member by member, yielding to the event loop every few milliseconds, so a 50 MB
 * prompt is serialised without one long block (issue 19; docs/reliability.md, "JSON"). The result is
 * `stringifyJson`'s text as UTF-8 bytes in a `SharedArrayBuffer`: bytes, not a string, because a 50 MB string is
 * built (and later flattened, encoded and copied) in one block, and it stays in the JS heap that every collection
 * walks. `rememberJsonText` then lets the journal, the history and GET /queue reuse the bytes, and the engine thread
 * reads them without a copy.
 *
 * Each member is one `stringifyJson`, except a member holding a long string near its top (a node with a 50 MB text
 * input): that one is walked down to the string, and the string is escaped a slice at a time.
 */
import { Slicer } from '../../models/time-sliced.js';
import { floatText, isHighSurrogate, numberLiteralKind, stringifyJson } from './json-codec.js';
import { ownKeys } from './json-own-keys.js';

/** Strings longer than this are escaped in slices of this many characters. */
const LONG_STRING_CHARS = 256 * 1024;
/** How deep below a member a long string is looked for (prompt → node → inputs → value). */
const LONG_STRING_DEPTH = 3;

const dropped = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/** A plain object or array that `JSON.stringify` walks as it is (no `toJSON`). */
function isWalkable(v: unknown): v is object {
  return typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
}

/** True when a string longer than `LONG_STRING_CHARS` sits in `v` within `depth` levels. Allocates nothing. */
function holdsLongString(v: unknown, depth: number): boolean {
  if (typeof v === 'string') return v.length > LONG_STRING_CHARS;
  if (depth === 0 || !isWalkable(v)) return false;
  for (const k in v) if (holdsLongString((v as Record<string, unknown>)[k], depth - 1)) return true;
  return false;
}

/** Appends the text of `value` (the member `key` of `holder`) to `parts`, walking down to long strings. */
async function valueTexts(parts: string[], holder: object, key: string, value: unknown, depth: number, slicer: Slicer): Promise<void> {
  if (typeof value === 'string' && value.length > LONG_STRING_CHARS) {
    parts.push('"');
    for (let at = 0; at < value.length; ) {
      let end = Math.min(value.length, at + LONG_STRING_CHARS);
      if (end < value.length && isHighSurrogate(value.charCodeAt(end - 1))) end++; // a pair escaped apart would differ
      parts.push(JSON.stringify(value.slice(at, end)).slice(1, -1));
      at = end;
      await slicer.maybeYield();
    }
    parts.push('"');
  } else if (depth > 0 && isWalkable(value) && holdsLongString(value, depth)) {
    await containerTexts(parts, value, depth - 1, slicer);
  } else {
    // A float mark sits on the holder, which the member alone does not carry.
    const float = typeof value === 'number' && Number.isInteger(value) && numberLiteralKind(holder, key) === 'float';
    parts.push(float ? floatText(value) : stringifyJson(value));
  }
  await slicer.maybeYield();
}

/** Appends the text of a plain object or array, member by member, as `JSON.stringify` writes it. */
async function containerTexts(parts: string[], value: object, depth: number, slicer: Slicer): Promise<void> {
  const array = Array.isArray(value);
  parts.push(array ? '[' : '{');
  let first = true;
  const keys = array ? Array.from({ length: value.length }, (_, i) => String(i)) : ownKeys(value);
  for (const key of keys) {
    const v = (value as Record<string, unknown>)[key];
    if (!array && dropped(v)) continue;
    parts.push(`${first ? '' : ','}${array ? '' : `${JSON.stringify(key)}:`}`);
    first = false;
    if (array && dropped(v)) parts.push('null');
    else await valueTexts(parts, value, key, v, depth, slicer);
  }
  parts.push(array ? ']' : '}');
}

/** The UTF-8 bytes of `stringifyJson(value)` in shared memory; a plain object is serialised one member at a time. */
export async function stringifyJsonToSharedBytes(value: unknown): Promise<Buffer> {
  const slicer = new Slicer();
  const parts: string[] = [];
  if (isWalkable(value) && !Array.isArray(value)) await containerTexts(parts, value, LONG_STRING_DEPTH, slicer);
  else parts.push(stringifyJson(value));
  let bytes = 0;
  for (const part of parts) {
    bytes += Buffer.byteLength(part);
    await slicer.maybeYield();
  }
  const out = Buffer.from(new SharedArrayBuffer(bytes));
  let at = 0;
  for (const part of parts) {
    at += out.write(part, at);
    await slicer.maybeYield();
  }
  return out;
}
