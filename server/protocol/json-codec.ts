/**
 * JSON that keeps 64-bit integers intact, at `JSON.parse` speed. ComfyUI seeds go up to 2^64−1, which `JSON.parse`
 * would silently round (docs/comfyui-protocol.md), so integers beyond `Number.MAX_SAFE_INTEGER` become `bigint`,
 * every other number stays a `number`, and `bigint`s are written back as plain JSON integers.
 *
 * How (docs/reliability.md, "JSON"): one linear scan over the text skips strings with `indexOf`, bounds the
 * nesting depth and finds the few number tokens that need care (unsafe integers and integral floats such as
 * `5.0`), with the path of each (object keys and array indices, built only for those tokens). The text then goes
 * to plain `JSON.parse`, without a reviver, and only those values are put right at their paths. Node 20's reviver
 * has no `context.source`, and a reviver visits every value (3–6× `JSON.parse`'s cost on a 50 MB prompt); it is
 * kept only for objects that repeat a key holding such a token, where a path cannot tell the occurrences apart.
 */
import { randomBytes } from 'node:crypto';

/** Deepest accepted nesting of arrays/objects; deeper text is refused as a JSON error (issue 19). */
export const MAX_JSON_DEPTH = 512;

/** Tag of rewritten tokens: NUL + a per-process nonce, so no string a client sends can pose as one. */
const TAG = `\u0000pg:${randomBytes(8).toString('hex')}:`;
const TAG_JSON = JSON.stringify(TAG).slice(1, -1);

/**
 * Which keys of a parsed container held integral numbers written as floats (`5.0`, `1e3`): a Set on the container
 * under a symbol, not enumerable, so JSON, `Object.keys`, spreads and equality checks do not see it. Not a WeakMap:
 * a 50 MB prompt marks 300,000 containers, and a collector walks every WeakMap entry again in its final pause
 * (docs/reliability.md, "JSON"). A container that cannot take the property (frozen) is kept in a WeakMap.
 */
const FLOAT_KEYS = Symbol('perceptgraph.floatLiteralKeys');
const frozenFloatLiterals = new WeakMap<object, Set<string>>();

function floatKeysOf(holder: object): Set<string> | undefined {
  return (holder as { [FLOAT_KEYS]?: Set<string> })[FLOAT_KEYS] ?? frozenFloatLiterals.get(holder);
}

/** A number token that `JSON.parse` alone would get wrong: `b` an unsafe integer, `f` an integral float. */
interface Special {
  readonly start: number;
  readonly end: number;
  readonly kind: 'b' | 'f';
}

const isNumberChar = (c: number) => (c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 101 || c === 69;

/** RFC 8259's number grammar: a token outside it is left for `JSON.parse` to refuse. */
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function classify(token: string): 'b' | 'f' | undefined {
  if (!NUMBER.test(token)) return undefined;
  if (/^-?\d+$/.test(token)) return token.length > 15 && !Number.isSafeInteger(Number(token)) ? 'b' : undefined;
  return Number.isInteger(Number(token)) ? 'f' : undefined;
}

/** Skips the string starting at `i` (a quote); returns the index after its closing quote, or -1 if unterminated. */
export function skipString(text: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const k = text.indexOf('"', j);
    if (k < 0) return -1;
    let slashes = 0;
    while (text.charCodeAt(k - 1 - slashes) === 92) slashes++;
    if (slashes % 2 === 0) return k + 1;
    j = k + 1;
  }
}

/** A special token with where it sits: the keys from the root to its holder, and its key in the holder. */
export interface Located extends Special {
  readonly holder: readonly (string | number)[];
  readonly key: string | number | null;
}

/** The text of the key string spanning [start, end) (quotes included). */
export function keyText(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end - 1);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : raw;
}

/**
 * The scan with structure: besides the special tokens, the path of each (object keys and array indices, kept per
 * open container and built only when a special needs it). `duplicates` is true when an object repeats a key under
 * which a special sits; then the path alone cannot tell which occurrence `JSON.parse` kept.
 * Exported for the piecewise parse of big bodies (json-pieces.ts), which shares this scan.
 * @throws SyntaxError past `maxDepth`.
 */
export function locate(text: string, maxDepth: number): { specials: Located[]; duplicates: boolean } {
  const specials: Located[] = [];
  const size = maxDepth + 2;
  const isArray = new Uint8Array(size);
  const index = new Int32Array(size); // current element of an array
  const memberStart = new Int32Array(size); // current member's key string of an object
  const memberEnd = new Int32Array(size);
  const markedMember = new Uint8Array(size); // a special sits under the current member
  const paths: ((string | number)[] | undefined)[] = [];
  const specialKeys: (Set<string> | undefined)[] = [];
  let depth = 0;
  let expectKey = false;
  let duplicates = false;
  const memberKey = (d: number): string | number => (isArray[d] ? index[d]! : keyText(text, memberStart[d]!, memberEnd[d]!));
  const pathOf = (d: number): (string | number)[] => (paths[d] ??= d <= 1 ? [] : [...pathOf(d - 1), memberKey(d - 1)]);
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const end = skipString(text, i);
      if (end < 0) break; // JSON.parse reports the unterminated string
      if (expectKey && depth > 0) {
        const set = specialKeys[depth];
        if (markedMember[depth]) {
          set!.add(keyText(text, memberStart[depth]!, memberEnd[depth]!));
          markedMember[depth] = 0;
        }
        if (set && set.has(keyText(text, i, end))) duplicates = true;
        memberStart[depth] = i;
        memberEnd[depth] = end;
        expectKey = false;
      }
      i = end;
    } else if (c === 91 || c === 123) {
      if (++depth > maxDepth) throw new SyntaxError(`JSON nested deeper than ${maxDepth} levels at position ${i}`);
      isArray[depth] = c === 91 ? 1 : 0;
      index[depth] = 0;
      markedMember[depth] = 0;
      paths[depth] = undefined;
      specialKeys[depth] = undefined;
      expectKey = c === 123;
      i++;
    } else if (c === 93 || c === 125) {
      depth--;
      expectKey = false;
      if (depth < 0) break; // malformed: JSON.parse refuses it
      i++;
    } else if (c === 44) {
      if (depth > 0) {
        if (isArray[depth]) index[depth]!++;
        else expectKey = true;
      }
      i++;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      let j = i + 1;
      let plain = true; // only digits: a safe integer unless long
      while (j < text.length && isNumberChar(text.charCodeAt(j))) {
        if (plain && !(text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57)) plain = false;
        j++;
      }
      const kind = plain && j - i <= 15 ? undefined : classify(text.slice(i, j));
      if (kind && !expectKey) {
        specials.push({ start: i, end: j, kind, holder: depth > 0 ? pathOf(depth) : [], key: depth > 0 ? memberKey(depth) : null });
        for (let d = depth; d > 0 && !markedMember[d]; d--) {
          if (!isArray[d]) {
            markedMember[d] = 1;
            specialKeys[d] ??= new Set();
          }
        }
      }
      i = j;
    } else i++;
  }
  return { specials, duplicates };
}

function revive(this: unknown, key: string, value: unknown): unknown {
  if (typeof value !== 'string' || value.charCodeAt(0) !== 0 || !value.startsWith(TAG)) return value;
  const token = value.slice(TAG.length + 2);
  if (value[TAG.length] === 'b') return BigInt(token);
  markFloatLiteral(this as object, key);
  return Number(token);
}

/**
 * Parses JSON text. Duplicate keys keep the last value (as `JSON.parse` and Python do). Integral numbers written
 * as floats are remembered (see `numberLiteralKind`).
 * @throws SyntaxError naming the position of the first problem, or the nesting beyond `MAX_JSON_DEPTH`.
 */
export function parseJson(text: string, options: { maxDepth?: number } = {}): unknown {
  const { specials, duplicates } = locate(text, options.maxDepth ?? MAX_JSON_DEPTH);
  if (specials.length === 0) return JSON.parse(text);
  return duplicates ? parseRewritten(text, specials) : parsePatched(text, specials);
}

/**
 * The usual path: plain `JSON.parse` (fast, no reviver), then each special is put right at its path: the rounded
 * number becomes the exact bigint, an integral float is remembered as a float literal.
 */
function parsePatched(text: string, specials: readonly Located[]): unknown {
  let root = JSON.parse(text) as unknown;
  for (const s of specials) root = putRight(root, s.holder, s.key, s.kind, text.slice(s.start, s.end));
  return root;
}

/**
 * Puts one special token right in the value `JSON.parse` made of it: the rounded number at `holder`/`key` becomes
 * the exact bigint (`kind` `b`), or is remembered as a float literal (`f`). Returns the root (replaced only when
 * the root itself is the token, `key` null).
 */
export function putRight(root: unknown, holderPath: readonly (string | number)[], key: string | number | null, kind: 'b' | 'f', token: string): unknown {
  if (key === null) return kind === 'b' ? BigInt(token) : root;
  let holder = root as Record<string | number, unknown>;
  for (const k of holderPath) holder = holder[k] as Record<string | number, unknown>;
  if (kind === 'b') holder[key] = BigInt(token);
  else markFloatLiteral(holder, key);
  return root;
}

/**
 * When an object repeats a key under which a special sits: the specials are rewritten into tagged strings that a
 * reviver turns back, so whichever occurrence `JSON.parse` keeps carries its own literal (slower: the reviver
 * visits every value).
 */
function parseRewritten(text: string, specials: readonly Special[]): unknown {
  const parts: string[] = [];
  let at = 0;
  for (const s of specials) {
    parts.push(text.slice(at, s.start), `"${TAG_JSON}${s.kind}:${text.slice(s.start, s.end)}"`);
    at = s.end;
  }
  parts.push(text.slice(at));
  return JSON.parse(parts.join(''), revive);
}

/**
 * The literal kind of the number at `holder[key]` as it was written in parsed JSON: `float` for `5.0`, `1e3` or
 * `0.5`, `int` for `5`; undefined when the value is not a number/bigint. Python's json (and so ComfyUI) makes
 * `5.0` a float and `5` an int; nodes that care can ask here, since a JS number cannot tell them apart.
 */
export function numberLiteralKind(holder: object, key: string | number): 'int' | 'float' | undefined {
  const value = (holder as Record<string, unknown>)[key];
  if (typeof value === 'bigint') return 'int';
  if (typeof value !== 'number') return undefined;
  if (!Number.isInteger(value) || floatKeysOf(holder)?.has(String(key))) return 'float';
  return 'int';
}

/** Marks `holder[key]` as a float literal, so `stringifyJson` writes an integral value as `5.0`. */
export function markFloatLiteral(holder: object, key: string | number): void {
  let keys = floatKeysOf(holder);
  if (!keys) {
    keys = new Set();
    if (Object.isExtensible(holder)) Object.defineProperty(holder, FLOAT_KEYS, { value: keys });
    else frozenFloatLiterals.set(holder, keys);
  }
  keys.add(String(key));
}

/** An integral number written as a float literal: `5` → `5.0` (exponent forms and non-finite values kept). */
export function floatText(n: number): string {
  const s = String(n);
  return /[.eE]|Infinity|NaN/.test(s) ? s : `${s}.0`;
}

/**
 * Serialised JSON, whole or in consecutive chunks: text, or UTF-8 bytes (a big prompt's text is kept as bytes in
 * shared memory, outside the JS heap, where the journal writes it and the engine thread reads it without a copy).
 */
export type JsonChunk = string | Buffer;

/** The chunks as one string (bytes decoded). */
export function joinJsonChunks(chunks: readonly JsonChunk[]): string {
  return chunks.length === 1 && typeof chunks[0] === 'string' ? chunks[0] : chunks.map((c) => (typeof c === 'string' ? c : c.toString('utf8'))).join('');
}

/** The first half of a UTF-16 surrogate pair: text cut into pieces is never cut right after one. */
export const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** Text already made for values that are written again and again (a big prompt: journal, history, GET /queue). */
const knownText = new WeakMap<object, JsonChunk>();
let anyKnownText = false;

/**
 * Records `text` as `stringifyJson(value)` (as a string, or its UTF-8 bytes), so later serialisations of `value`
 * (or of anything holding it) copy the text instead of walking the value again: how a 50 MB prompt, serialised
 * once in slices (`stringifyJsonToSharedBytes`), is journalled and sent without seconds on the main thread
 * (docs/reliability.md, "JSON"). `value` must not change afterwards; a validated prompt does not.
 */
export function rememberJsonText(value: object, text: JsonChunk): void {
  knownText.set(value, text);
  anyKnownText = true;
}

/** What `rememberJsonText` recorded for `value`, if anything. */
export function rememberedJsonText(value: object): JsonChunk | undefined {
  return knownText.get(value);
}

/** Serialises like `JSON.stringify` (undefined and functions dropped), bigints as integer tokens, float literals kept. */
export function stringifyJson(value: unknown): string {
  return joinJsonChunks(stringifyJsonPieces(value));
}

/**
 * `stringifyJson`'s text as consecutive chunks, not joined: a 50 MB journal line holding a remembered prompt is
 * then written chunk by chunk without first being copied into one flat string (docs/reliability.md, "JSON").
 */
export function stringifyJsonPieces(value: unknown): JsonChunk[] {
  let tagged = false;
  const known: JsonChunk[] = [];
  const text = JSON.stringify(value, function (this: unknown, key: string, v: unknown) {
    if (anyKnownText && typeof v === 'object' && v !== null) {
      const t = knownText.get(v);
      if (t !== undefined) {
        tagged = true;
        known.push(t);
        return `${TAG}r:${known.length - 1}`;
      }
    }
    if (typeof v === 'bigint') {
      tagged = true;
      return `${TAG}b:${v}`;
    }
    if (typeof v === 'number' && Number.isInteger(v) && floatKeysOf(this as object)?.has(key)) {
      tagged = true;
      return `${TAG}f:${floatText(v)}`;
    }
    return v;
  }) as string | undefined;
  if (text === undefined) return ['null'];
  return tagged ? untag(text, known) : [text];
}

/**
 * Replaces each tagged string `"<TAG>k:123"` of `stringifyJson`'s output by its bare token `123`, and each
 * `"<TAG>r:i"` by the remembered text `known[i]`.
 */
function untag(text: string, known: readonly JsonChunk[]): JsonChunk[] {
  const open = `"${TAG_JSON}`;
  const chunks: JsonChunk[] = [];
  let at = 0;
  for (let i = text.indexOf(open); i >= 0; i = text.indexOf(open, at)) {
    const end = text.indexOf('"', i + open.length);
    const token = text.slice(i + open.length + 2, end);
    chunks.push(text.slice(at, i), text[i + open.length] === 'r' ? known[Number(token)]! : token);
    at = end + 1;
  }
  chunks.push(text.slice(at));
  return chunks;
}
