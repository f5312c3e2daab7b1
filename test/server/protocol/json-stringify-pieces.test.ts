/** `stringifyJsonInPieces` gives `stringifyJson`'s text while yielding between members. */
import { describe, expect, it } from 'vitest';
import { parseJson, stringifyJson } from '../../../server/protocol/json-codec.js';
import { stringifyJsonInPieces } from '../../../server/protocol/json-stringify-pieces.js';

describe('stringifyJsonInPieces', () => {
  it('gives stringifyJson\'s text: bigints, float marks on the root and below, dropped members, arrays', async () => {
    const value = parseJson('{"a":8.0,"b":18446744073709551615,"c":{"d":[1.0,2],"e":"x"},"f":null,"g":[3.0],"h":1.5,"i":7}') as Record<string, unknown>;
    Object.assign(value, { u: undefined, fn: () => 1 });
    expect(await stringifyJsonInPieces(value)).toBe(stringifyJson(value));
    expect(await stringifyJsonInPieces(value)).toBe('{"a":8.0,"b":18446744073709551615,"c":{"d":[1.0,2],"e":"x"},"f":null,"g":[3.0],"h":1.5,"i":7}');
    for (const v of [[1, 2.5], 'text', 18446744073709551615n, null, undefined, { toJSON: () => 'j' }]) expect(await stringifyJsonInPieces(v)).toBe(stringifyJson(v));
  });
});
