/**
 * A minimal WebAssembly binary writer: one imported memory, functions with i32/v128 parameters and no results,
 * each exported by name. Just enough to express the SIMD resampling kernels of `pil-resample-simd.ts` without a
 * toolchain (the project has no wat2wasm or compiler dependency, and the kernels are a few dozen instructions).
 * Encoding: the WebAssembly core spec §5 (binary format) and the fixed-width SIMD proposal's opcode table.
 */

/** Value types (spec §5.3.1). */
export const I32 = 0x7f;
export const V128 = 0x7b;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of an i32. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** Memory argument of a load or store: alignment hint 1 byte (the kernels load unaligned), offset in bytes. */
const memarg = (offset = 0): number[] => [0, ...uleb(offset)];
const simd = (code: number, ...immediates: number[]): number[] => [0xfd, ...uleb(code), ...immediates];

/** The instructions the kernels use, as byte sequences to concatenate. */
export const op = {
  loop: [0x03, 0x40],
  end: [0x0b],
  /** Branch to the innermost enclosing loop's start when the i32 on the stack is non-zero. */
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  get: (local: number) => [0x20, ...uleb(local)],
  set: (local: number) => [0x21, ...uleb(local)],
  tee: (local: number) => [0x22, ...uleb(local)],
  i32: (value: number) => [0x41, ...sleb(value)],
  i32Load: (offset = 0) => [0x28, ...memarg(offset)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32LtU: [0x49],
  v128Load: simd(0x00, ...memarg()),
  v128Store: simd(0x0b, ...memarg()),
  v128Load32Zero: simd(0x5c, ...memarg()),
  /** Stores lane 0 of an i32x4 (4 bytes). */
  v128Store32Lane0: simd(0x5a, ...memarg(), 0),
  i32x4Splat: simd(0x11),
  i8x16NarrowI16x8U: simd(0x66),
  i16x8NarrowI32x4S: simd(0x85),
  i16x8ExtendLowI8x16U: simd(0x89),
  i16x8ExtendHighI8x16U: simd(0x8a),
  i32x4ExtendLowI16x8U: simd(0xa9),
  i32x4ExtendHighI16x8U: simd(0xaa),
  i32x4ShrS: simd(0xac),
  i32x4Add: simd(0xae),
  i32x4Mul: simd(0xb5),
} as const;

/** One exported function: parameter and extra local types, and its body (without the final `end`). */
export interface WasmFunction {
  readonly name: string;
  readonly params: readonly number[];
  readonly locals: readonly number[];
  readonly body: readonly number[];
}

const vec = (items: readonly number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => vec([...Buffer.from(s, 'utf8')].map((b) => [b]));
const section = (id: number, content: number[]): number[] => [id, ...uleb(content.length), ...content];

/** Run-length groups of local types, as the code section wants them. */
function localGroups(types: readonly number[]): number[][] {
  const groups: number[][] = [];
  for (const t of types) {
    const last = groups[groups.length - 1];
    if (last && last[1] === t) last[0]!++;
    else groups.push([1, t]);
  }
  return groups.map(([count, t]) => [...uleb(count!), t!]);
}

/** The module bytes: memory imported as `env.memory` (at least `minPages` 64 KiB pages), every function exported. */
export function wasmModule(functions: readonly WasmFunction[], minPages = 1): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((p) => [p])), ...vec([])]);
  const imports = vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(minPages)]]);
  const codes = functions.map((f) => {
    const body = [...vec(localGroups(f.locals)), ...f.body, ...op.end];
    return [...uleb(body.length), ...body];
  });
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(codes)),
  ]);
}
