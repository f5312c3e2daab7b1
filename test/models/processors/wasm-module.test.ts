/** The WebAssembly writer: LEB128 against the spec's examples, and a module that validates and runs. */
import { describe, expect, it } from 'vitest';
import { I32, op, sleb, uleb, wasmModule } from '../../../models/processors/wasm-module.js';

describe('uleb / sleb', () => {
  it('encode as the spec and DWARF examples', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });
});

describe('wasmModule', () => {
  it('builds a module that validates and whose exported function writes memory', () => {
    // store(p, v): memory[p..p+3] = splat(v) lane 0
    const body = [...op.get(0), ...op.get(1), ...op.i32x4Splat, ...op.v128Store32Lane0];
    const bytes = wasmModule([{ name: 'store', params: [I32, I32], locals: [], body }]);
    expect(WebAssembly.validate(bytes)).toBe(true);
    const memory = new WebAssembly.Memory({ initial: 1 });
    const { store } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as { store: (p: number, v: number) => void };
    store(8, 0x04030201);
    expect(Array.from(new Uint8Array(memory.buffer, 7, 6))).toEqual([0, 1, 2, 3, 4, 0]);
  });
});
