/** The JSON codec: 64-bit integers exact, float literal kinds kept, nesting bounded, errors as SyntaxError. */
import { parse as losslessParse } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, markFloatLiteral, numberLiteralKind, parseJson, rememberJsonText, stringifyJson } from '../../../server/protocol/json-codec.js';

describe('parseJson', () => {
  it('keeps integers beyond 2^53 as bigint and every other number as a number', () => {
    expect(parseJson('{"seed":18446744073709551615,"n":-9007199254740993,"s":9007199254740991,"x":1.5,"e":2e400}')).toEqual({
      seed: 18446744073709551615n, n: -9007199254740993n, s: 9007199254740991, x: 1.5, e: Infinity,
    });
    expect(parseJson('[12345678901234567890]')).toEqual([12345678901234567890n]);
    expect(parseJson('18446744073709551615')).toBe(18446744073709551615n);
  });

  it('agrees with lossless-json on strings with digits, escapes and quotes', () => {
    const text = String.raw`{"a":"12345678901234567890","b\"":"x\\","c":["\\\"",99999999999999999999,{"d":"5.0"}],"é":"\u00e9 ✓"}`;
    expect(parseJson(text)).toEqual(losslessParse(text, null, { parseNumber: (t) => (/^-?\d+$/.test(t) && !Number.isSafeInteger(Number(t)) ? BigInt(t) : Number(t)) }));
  });

  it('keeps the last of duplicate keys', () => {
    expect(parseJson('{"a":1,"a":2}')).toEqual({ a: 2 });
  });

  it('puts each special right at its path: nested objects, arrays, escaped keys, siblings after containers', () => {
    const text = String.raw`{"p":{"1":{"inputs":{"seed":18446744073709551615,"cfg":8.0,"l":[1,[2,-9007199254740993],3.0]}},"k\"ey":{"x":[{"y":12345678901234567890}]},"after":99999999999999999999},"z":[7,5.0]}`;
    const v = parseJson(text) as any;
    expect(v).toEqual({
      p: { 1: { inputs: { seed: 18446744073709551615n, cfg: 8, l: [1, [2, -9007199254740993n], 3] } }, 'k"ey': { x: [{ y: 12345678901234567890n }] }, after: 99999999999999999999n },
      z: [7, 5],
    });
    expect([numberLiteralKind(v.p[1].inputs, 'cfg'), numberLiteralKind(v.p[1].inputs.l, 2), numberLiteralKind(v.z, 1), numberLiteralKind(v.z, 0)]).toEqual(['float', 'float', 'float', 'int']);
    expect(stringifyJson(v)).toBe(text);
  });

  it('keeps the occurrence JSON.parse keeps when a key under which a special sits repeats', () => {
    const member = parseJson('{"a":18446744073709551615,"a":1}') as any;
    expect(member).toEqual({ a: 1 });
    const ancestor = parseJson('{"n":{"s":8.0,"t":18446744073709551615},"n":{"s":8,"t":18446744073709551614}}') as any;
    expect(ancestor).toEqual({ n: { s: 8, t: 18446744073709551614n } });
    expect(numberLiteralKind(ancestor.n, 's')).toBe('int');
    const later = parseJson('{"a":1,"a":18446744073709551615}') as any;
    expect(later).toEqual({ a: 18446744073709551615n });
  });

  it('agrees with lossless-json on generated prompts', () => {
    const parts: string[] = [];
    for (let i = 0; i < 300; i++) {
      parts.push(`"${i}":{"inputs":{"seed":${2n ** 63n + BigInt(i * 7919)},"cfg":${i % 3 === 0 ? '7.5' : `${i % 10}.0`},"v":[${i},${i}.0e0,"${i}\\\\"]}}`);
    }
    const text = `{${parts.join(',')}}`;
    const exact = (t: string) => (/^-?\d+$/.test(t) && !Number.isSafeInteger(Number(t)) ? BigInt(t) : Number(t));
    expect(parseJson(text)).toEqual(losslessParse(text, null, { parseNumber: exact }));
    expect(stringifyJson(parseJson(text))).toBe(text.replaceAll(/(\d)\.0e0/g, '$1.0'));
  });

  it.each([
    ['{"a":1,}'],
    ['{12345678901234567890: 1}'],
    ['[01.0]'],
    ['[1.0.0]'],
    ['{"a":"unterminated'],
    ['[1] x'],
  ])('refuses malformed JSON %s with a SyntaxError', (text) => {
    expect(() => parseJson(text)).toThrow(SyntaxError);
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels, however deep, without overflowing the stack`, () => {
    expect(() => parseJson('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => parseJson('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1))).toThrow(/nested deeper than 512 levels at position 512/);
    expect(() => parseJson('{"a":' + '['.repeat(1_000_000))).toThrow(/nested deeper/);
    // Brackets inside strings do not count.
    expect(parseJson(`["${'['.repeat(10_000)}"]`)).toEqual(['['.repeat(10_000)]);
  });
});

describe('numberLiteralKind', () => {
  it('tells 5 from 5.0 (ComfyUI gets int vs float from Python json)', () => {
    const v = parseJson('{"i":5,"f":5.0,"e":1e3,"h":0.5,"s":"5","list":[2,2.0],"big":18446744073709551615}') as Record<string, any>;
    expect([numberLiteralKind(v, 'i'), numberLiteralKind(v, 'f'), numberLiteralKind(v, 'e'), numberLiteralKind(v, 'h')]).toEqual(['int', 'float', 'float', 'float']);
    expect([numberLiteralKind(v.list, 0), numberLiteralKind(v.list, 1), numberLiteralKind(v, 'big'), numberLiteralKind(v, 's')]).toEqual(['int', 'float', 'int', undefined]);
    expect(v.f).toBe(5);
  });

  it('keeps the marks out of sight (keys, JSON, equality, spreads) and works on frozen containers too', () => {
    const v = parseJson('{"f":5.0,"n":{"g":2.0}}') as Record<string, any>;
    expect(Object.keys(v)).toEqual(['f', 'n']);
    expect(JSON.stringify(v)).toBe('{"f":5,"n":{"g":2}}');
    expect(v).toEqual({ f: 5, n: { g: 2 } });
    expect(numberLiteralKind({ ...v }, 'f')).toBe('int'); // a copy does not carry the mark
    const frozen = Object.freeze({ x: 3 });
    markFloatLiteral(frozen, 'x');
    expect(numberLiteralKind(frozen, 'x')).toBe('float');
    expect(stringifyJson({ frozen, v })).toBe('{"frozen":{"x":3.0},"v":{"f":5.0,"n":{"g":2.0}}}');
  });
});

describe('stringifyJson', () => {
  it('writes bigints as integer tokens and float literals back as floats', () => {
    const text = '{"seed":18446744073709551615,"cfg":8.0,"steps":20,"list":[1.0,2],"t":"8.0"}';
    expect(stringifyJson(parseJson(text))).toBe(text);
    const made: Record<string, unknown> = { a: 3 };
    markFloatLiteral(made, 'a');
    expect(stringifyJson(made)).toBe('{"a":3.0}');
  });

  it('drops undefined and functions like JSON.stringify', () => {
    expect(stringifyJson({ a: undefined, f: () => 1, b: [undefined] })).toBe('{"b":[null]}');
    expect(stringifyJson(undefined)).toBe('null');
  });
});

describe('rememberJsonText', () => {
  it('makes stringifyJson copy the remembered text of a value wherever it sits', () => {
    const prompt = parseJson('{"1":{"inputs":{"seed":18446744073709551615,"cfg":8.0}}}') as object;
    rememberJsonText(prompt, '{"remembered":true}');
    expect(stringifyJson({ op: 'put', entry: { prompt, n: 18446744073709551615n }, list: [prompt] })).toBe(
      '{"op":"put","entry":{"prompt":{"remembered":true},"n":18446744073709551615},"list":[{"remembered":true}]}',
    );
    expect(stringifyJson(prompt)).toBe('{"remembered":true}');
    expect(stringifyJson({ other: { a: 1 } })).toBe('{"other":{"a":1}}');
  });
});
