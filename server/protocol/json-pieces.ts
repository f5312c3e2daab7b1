/**
 * The lossless JSON parse of a big body in pieces, so that no single step holds the event loop for long
 * (docs/reliability.md, "JSON"; issue 19: a 50 MB POST /prompt blocked every client for seconds).
 *
 * Two halves. `planJson` runs in a worker thread (json-plan-body.ts, in the off-thread `json` lane): it does everything `parseJson` does
 * except building the value the caller keeps (the depth bound, the scan for 64-bit integers and `5.0`-style
 * floats, a full `JSON.parse` so that malformed text fails with exactly the message the inline parse gives), and
 * cuts the text into pieces: every container longer than `pieceChars` is opened empty, and the members between its
 * big children are grouped into runs of about `pieceChars`. `assembleJson` runs on the main thread: it
 * `JSON.parse`s one run at a time (its UTF-8 bytes wrapped in `{…}` or `[…]`), moves the members into their
 * container, puts the run's special numbers right, and yields to the event loop every few milliseconds.
 *
 * Why not return the parsed value from the worker: structured clone is not cheaper than `JSON.parse` to receive
 * (measured on the 50 MB bench prompt: `v8.deserialize` 0.64–0.88 s against `JSON.parse` 0.5–0.7 s, all of it in
 * one block on the main thread), and it drops the float-literal marks, which live in a WeakMap.
 */
import { Slicer } from '../../models/time-sliced.js';
import { isHighSurrogate, keyText, locate, MAX_JSON_DEPTH, putRight, skipString, type Located } from './json-codec.js';
import { rememberOwnKeys, setOwn } from './json-own-keys.js';

/** One step of building the value, in text order. Offsets are UTF-8 byte offsets into the body. */
export type JsonPiece =
  /** An empty container, put at `path` (the root when `path` is empty). */
  | { readonly op: 'open'; readonly path: readonly (string | number)[]; readonly array: boolean }
  /**
   * Consecutive members of the container at `path`: bytes [start, end) hold `"k":v,"k2":v2` (an object) or `v1,v2`
   * (an array). `specials` is the JSON text of `[holderPath, key, kind, token][]` for the 64-bit integers and
   * integral floats among them, with paths from the root; absent when there are none.
   */
  | { readonly op: 'members'; readonly path: readonly (string | number)[]; readonly array: boolean; readonly start: number; readonly end: number; readonly specials?: string }
  /**
   * One string member longer than a piece, as consecutive runs of its escaped text (bytes between the quotes, cut
   * outside escape sequences and never between the halves of a surrogate pair), each `JSON.parse`d alone: a 50 MB
   * string is not decoded in one block.
   */
  | { readonly op: 'string'; readonly path: readonly (string | number)[]; readonly array: boolean; readonly key: string | number; readonly runs: readonly (readonly [number, number])[] };

/** What the worker answers: the pieces, or `inline` when this text is better parsed whole on the main thread. */
export type JsonPlan = { readonly kind: 'pieces'; readonly pieces: JsonPiece[] } | { readonly kind: 'inline'; readonly reason: string } | { readonly kind: 'empty' };

/** Default size of a piece in characters: one `JSON.parse` of it takes a few milliseconds. */
export const DEFAULT_PIECE_CHARS = 256 * 1024;

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** The index after the value starting at `i` (valid JSON: checked before). */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 34) return skipString(text, i);
  if (c !== 91 && c !== 123) {
    while (i < text.length) {
      const d = text.charCodeAt(i);
      if (d === 44 || d === 93 || d === 125 || isSpace(d)) break;
      i++;
    }
    return i;
  }
  let depth = 0;
  for (;;) {
    const d = text.charCodeAt(i);
    if (d === 34) {
      i = skipString(text, i);
      continue;
    }
    if (d === 91 || d === 123) depth++;
    else if ((d === 93 || d === 125) && --depth === 0) return i + 1;
    i++;
  }
}

/** Start → end (exclusive) of every container longer than `pieceChars`. */
function bigContainers(text: string, pieceChars: number, maxDepth: number): Map<number, number> {
  const big = new Map<number, number>();
  const open = new Int32Array(maxDepth + 2);
  let depth = 0;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i = skipString(text, i);
      continue;
    }
    if (c === 91 || c === 123) open[++depth] = i;
    else if (c === 93 || c === 125) {
      if (i + 1 - open[depth]! > pieceChars) big.set(open[depth]!, i + 1);
      depth--;
    }
    i++;
  }
  return big;
}


/** The text between the quotes of the string at [open, close) cut into runs of about `pieceChars` (see `JsonPiece`). */
function stringRuns(text: string, open: number, close: number, pieceChars: number): [number, number][] {
  const runs: [number, number][] = [];
  const end = close - 1;
  for (let at = open + 1; at < end; ) {
    let cut = Math.min(end, at + pieceChars);
    for (let b = text.indexOf('\\', at); b >= 0 && b < cut; b = text.indexOf('\\', b)) {
      b += text.charCodeAt(b + 1) === 117 ? 6 : 2; // \uXXXX or \X
      if (b > cut) cut = b;
    }
    if (cut < end && isHighSurrogate(text.charCodeAt(cut - 1))) cut++;
    runs.push([at, cut]);
    at = cut;
  }
  return runs;
}

/** The pieces in character offsets (converted to bytes by `planJson`). */
function cut(text: string, root: number, big: Map<number, number>, pieceChars: number): JsonPiece[] {
  const pieces: JsonPiece[] = [];
  const walk = (open: number, path: (string | number)[]) => {
    const array = text.charCodeAt(open) === 91;
    pieces.push({ op: 'open', path, array });
    let run = -1;
    let runEnd = -1;
    const flush = () => {
      if (run >= 0) pieces.push({ op: 'members', path, array, start: run, end: runEnd });
      run = -1;
    };
    let i = skipSpace(text, open + 1);
    for (let index = 0; text.charCodeAt(i) !== (array ? 93 : 125); index++) {
      const member = i;
      let key: string | number = index;
      if (!array) {
        const keyEnd = skipString(text, i);
        key = keyText(text, i, keyEnd);
        i = skipSpace(text, skipSpace(text, keyEnd) + 1); // past the colon
      }
      const end = big.get(i);
      const stringEnd = text.charCodeAt(i) === 34 ? skipString(text, i) : -1;
      if (end !== undefined) {
        flush();
        walk(i, [...path, key]);
        i = end;
      } else if (stringEnd - i > pieceChars) {
        flush();
        pieces.push({ op: 'string', path, array, key, runs: stringRuns(text, i, stringEnd, pieceChars) });
        i = stringEnd;
      } else {
        i = skipValue(text, i);
        if (run < 0) run = member;
        runEnd = i;
        if (runEnd - run >= pieceChars) flush();
      }
      i = skipSpace(text, i);
      if (text.charCodeAt(i) === 44) i = skipSpace(text, i + 1);
    }
    flush();
  };
  walk(root, []);
  return pieces;
}

/** Replaces character offsets by UTF-8 byte offsets (they are the same for ASCII text) and attaches the specials. */
function finish(text: string, pieces: JsonPiece[], specials: readonly Located[]): JsonPiece[] {
  const ascii = Buffer.byteLength(text) === text.length;
  let char = 0;
  let byte = 0;
  const toByte = (at: number) => {
    if (ascii) return at;
    byte += Buffer.byteLength(text.slice(char, at));
    char = at;
    return byte;
  };
  let next = 0;
  return pieces.map((p) => {
    if (p.op === 'open') return p;
    if (p.op === 'string') return { ...p, runs: p.runs.map(([a, b]) => [toByte(a), toByte(b)] as const) };
    const own: [readonly (string | number)[], string | number | null, string, string][] = [];
    while (next < specials.length && specials[next]!.start < p.end) {
      const s = specials[next++]!;
      if (s.start >= p.start) own.push([s.holder, s.key, s.kind, text.slice(s.start, s.end)]);
    }
    const piece = { ...p, start: toByte(p.start), end: toByte(p.end) };
    return own.length ? { ...piece, specials: JSON.stringify(own) } : piece;
  });
}

/**
 * Checks `text` as `parseJson` would and cuts it into pieces (worker side).
 * @throws SyntaxError exactly where `parseJson` throws.
 */
export function planJson(text: string, options: { pieceChars?: number; maxDepth?: number } = {}): JsonPlan {
  if (text.trim() === '') return { kind: 'empty' };
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const { specials, duplicates } = locate(text, maxDepth);
  // A repeated key over a special needs parseJson's reviver path; its error messages are those of that path too.
  if (duplicates) return { kind: 'inline', reason: 'a repeated key holds a 64-bit integer or integral float' };
  JSON.parse(text);
  const root = skipSpace(text, 0);
  const c = text.charCodeAt(root);
  if (c !== 91 && c !== 123) return { kind: 'inline', reason: 'not an object or array' };
  const big = bigContainers(text, options.pieceChars ?? DEFAULT_PIECE_CHARS, maxDepth);
  if (!big.has(root)) return { kind: 'inline', reason: 'small' };
  return { kind: 'pieces', pieces: finish(text, cut(text, root, big, options.pieceChars ?? DEFAULT_PIECE_CHARS), specials) };
}

function containerAt(root: unknown, path: readonly (string | number)[]): Record<string | number, unknown> {
  let c = root as Record<string | number, unknown>;
  for (const k of path) c = c[k] as Record<string | number, unknown>;
  return c;
}

/**
 * Builds the value of `body` from the worker's pieces, yielding to the event loop every few milliseconds. Gives
 * the same value as `parseJson(body.toString('utf8'))`, float-literal marks included.
 */
export async function assembleJson(body: Buffer, pieces: readonly JsonPiece[]): Promise<unknown> {
  let root: unknown;
  const slicer = new Slicer();
  // The keys of each object opened here, as inserted: the big ones are what callers would otherwise enumerate.
  const keysOf = new Map<object, string[]>();
  const put = (target: Record<string, unknown>, key: string, value: unknown) => {
    if (!Object.hasOwn(target, key)) keysOf.get(target)?.push(key);
    setOwn(target, key, value);
  };
  for (const p of pieces) {
    if (p.op === 'open') {
      const value = p.array ? [] : {};
      if (!p.array) keysOf.set(value, []);
      if (p.path.length === 0) root = value;
      else {
        const parent = containerAt(root, p.path.slice(0, -1));
        if (Array.isArray(parent)) parent.push(value);
        else put(parent, String(p.path.at(-1)), value);
      }
      continue;
    }
    const target = containerAt(root, p.path);
    if (p.op === 'string') {
      let value = '';
      for (const [a, b] of p.runs) {
        value += JSON.parse(`"${body.toString('utf8', a, b)}"`) as string; // a rope: flattened once, when read
        await slicer.maybeYield();
      }
      if (p.array) (target as unknown as unknown[]).push(value);
      else put(target, String(p.key), value);
      continue;
    }
    const text = body.toString('utf8', p.start, p.end);
    if (p.array) {
      for (const v of JSON.parse(`[${text}]`) as unknown[]) (target as unknown as unknown[]).push(v);
    } else {
      const members = JSON.parse(`{${text}}`) as Record<string, unknown>;
      for (const k of Object.keys(members)) put(target, k, members[k]);
    }
    if (p.specials) {
      for (const [holder, key, kind, token] of JSON.parse(p.specials) as [(string | number)[], string | number | null, 'b' | 'f', string][]) {
        root = putRight(root, holder, key, kind, token);
      }
    }
    await slicer.maybeYield();
  }
  for (const [value, keys] of keysOf) rememberOwnKeys(value, keys);
  return root;
}
