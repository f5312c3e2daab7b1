/** `stringifyJsonToSharedBytes` gives `stringifyJson`'s text, as UTF-8 in shared memory, while yielding between members. */
import { describe, expect, it } from 'vitest';
import { parseJson, stringifyJson } from '../../../server/protocol/json-codec.js';
import { rememberOwnKeys } from '../../../server/protocol/json-own-keys.js';
import { stringifyJsonToSharedBytes } from '../../../server/protocol/json-stringify-pieces.js';

const text = async (value: unknown) => (await stringifyJsonToSharedBytes(value)).toString('utf8');

describe('stringifyJsonToSharedBytes', () => {
  it('gives stringifyJson\'s text: bigints, float marks on the root and below, dropped members, arrays', async () => {
    const value = parseJson('{"a":8.0,"b":18446744073709551615,"c":{"d":[1.0,2],"e":"x"},"f":null,"g":[3.0],"h":1.5,"i":7}') as Record<string, unknown>;
    Object.assign(value, { u: undefined, fn: () => 1 });
    expect(await text(value)).toBe(stringifyJson(value));
    expect(await text(value)).toBe('{"a":8.0,"b":18446744073709551615,"c":{"d":[1.0,2],"e":"x"},"f":null,"g":[3.0],"h":1.5,"i":7}');
    for (const v of [[1, 2.5], 'text', 18446744073709551615n, null, undefined, { toJSON: () => 'j' }, {}, { u: undefined }]) expect(await text(v)).toBe(stringifyJson(v));
  });

  it('encodes non-ASCII text (two-, three- and four-byte characters) into a SharedArrayBuffer of exactly its length', async () => {
    const value = { 'café': 'naïve — 猫 🐈', n: { 'ключ': ['😀', 'x'] } };
    const bytes = await stringifyJsonToSharedBytes(value);
    expect(bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(bytes.byteLength).toBe(Buffer.byteLength(stringifyJson(value)));
    expect(bytes.toString('utf8')).toBe(stringifyJson(value));
  });

  it('escapes long strings a slice at a time, down in nodes and lists, with the whole string\'s text', async () => {
    const slice = 256 * 1024;
    // A surrogate pair across the first slice boundary, a lone surrogate, quotes, backslashes, control characters.
    const long = `${'x'.repeat(slice - 1)}😀"q"\\${'\n\t'.repeat(1000)}\ud800 café ${'猫'.repeat(slice)}`;
    const value = parseJson('{"a":{"inputs":{"seed":8.0}},"n":{"class_type":"T","inputs":{"cfg":8.0,"b":18446744073709551615}}}') as any;
    Object.assign(value.n.inputs, { text: long, list: [long, undefined, 1, { deep: long }], u: undefined });
    value.top = long;
    const bytes = await stringifyJsonToSharedBytes(value);
    expect(bytes.toString('utf8')).toBe(stringifyJson(value));
    expect(JSON.parse(bytes.toString('utf8')).n.inputs.list[0]).toBe(long);
  });

  it('walks the keys remembered for a big object, in Object.keys order', async () => {
    const value: Record<string, number> = { b: 1, 10: 2, a: 3, 2: 4 };
    rememberOwnKeys(value, ['b', '10', 'a', '2']);
    expect(await text(value)).toBe('{"2":4,"10":2,"b":1,"a":3}');
    expect(await text(value)).toBe(stringifyJson(value));
  });
});
