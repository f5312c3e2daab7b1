/** The piecewise parse of big bodies: `planJson` + `assembleJson` give exactly what `parseJson` gives. */
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, numberLiteralKind, parseJson, stringifyJson } from '../../../server/protocol/json-codec.js';
import { assembleJson, planJson, type JsonPiece } from '../../../server/protocol/json-pieces.js';

/** Plans with tiny pieces (so every container splits) and assembles from the UTF-8 bytes. */
async function piecewise(text: string, pieceChars = 16): Promise<{ value: unknown; pieces: JsonPiece[] }> {
  const plan = planJson(text, { pieceChars });
  if (plan.kind !== 'pieces') throw new Error(`planned ${plan.kind}`);
  return { value: await assembleJson(Buffer.from(text), plan.pieces), pieces: plan.pieces };
}

const prompt = (n: number) => {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    parts.push(`"${i}":{"class_type":"KSampler","inputs":{"seed":${18446744073709551615n - BigInt(i)},"cfg":${i % 2 ? '8.0' : '7.5'},"steps":20,"l":[1,2.0,[3,12345678901234567890]],"t":"ü ${i}"}}`);
  }
  return `{"prompt":{${parts.join(',')}},"extra_data":{"w":[{"a":1.0},[],{}],"n":null}}`;
};

describe('planJson + assembleJson', () => {
  it('gives the inline value of a prompt with 64-bit seeds, 5.0 floats and non-ASCII text', async () => {
    const text = prompt(40);
    const { value, pieces } = await piecewise(text);
    expect(pieces.filter((p) => p.op === 'members').length).toBeGreaterThan(40);
    expect(value).toEqual(parseJson(text));
    expect(stringifyJson(value)).toBe(stringifyJson(parseJson(text)));
    const v = value as any;
    expect(v.prompt['3'].inputs.seed).toBe(18446744073709551612n);
    expect(v.prompt['3'].inputs.l[2][1]).toBe(12345678901234567890n);
    expect([numberLiteralKind(v.prompt['3'].inputs, 'cfg'), numberLiteralKind(v.prompt['2'].inputs, 'cfg'), numberLiteralKind(v.prompt['2'].inputs.l, 1)]).toEqual(['float', 'float', 'float']);
    expect(numberLiteralKind(v.prompt['2'].inputs, 'steps')).toBe('int');
    expect(numberLiteralKind(v.extra_data.w[0], 'a')).toBe('float');
  });

  it('keeps key order, the last of duplicate keys, __proto__ as a plain key, escapes, arrays and whitespace', async () => {
    const text = String.raw` { "b" : [ 1 , {"x":"` + 'y'.repeat(40) + String.raw`"} , [ ] , "a\"b" ] , "a": {"k":1}, "__proto__": {"polluted": true},
      "a" : {"k":2,"pad":"` + 'z'.repeat(40) + String.raw`"}, "\u00e9\n" : "é✓", "2": 3, "1": [true,false,null] } `;
    const { value } = await piecewise(text);
    const inline = parseJson(text);
    expect(value).toEqual(inline);
    expect(Object.keys(value as object)).toEqual(Object.keys(inline as object));
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value as object, '__proto__')).toBe(true);
    expect(({} as any).polluted).toBeUndefined();
  });

  it('splits a root array and a big string member on its own', async () => {
    const text = `[${'"' + 's'.repeat(100) + '"'},18446744073709551615,3.0,{"a":[${'1,'.repeat(30)}1]}]`;
    const { value } = await piecewise(text);
    expect(stringifyJson(value)).toBe(stringifyJson(parseJson(text)));
    expect((value as unknown[])[1]).toBe(18446744073709551615n);
  });

  it('plans a text with no big container, a scalar root, an empty body or duplicates over a special as inline/empty', () => {
    expect(planJson('{"a":1}', { pieceChars: 1024 }).kind).toBe('inline');
    expect(planJson('"' + 'x'.repeat(100) + '"', { pieceChars: 16 }).kind).toBe('inline');
    expect(planJson('  \n ', { pieceChars: 16 }).kind).toBe('empty');
    expect(planJson('{"a":18446744073709551615,"a":1,"pad":"' + 'x'.repeat(40) + '"}', { pieceChars: 16 })).toMatchObject({ kind: 'inline' });
  });

  it.each([['{"a":1,}'], ['{"a":[1,2]] '], ['[01.0]'], ['{"a":"unterminated'], ['[1] x'], ['[' + '{"a":1},'.repeat(10) + ']']])(
    'throws the SyntaxError parseJson throws for %s',
    (text) => {
      let inline: unknown;
      try {
        parseJson(text);
      } catch (err) {
        inline = err;
      }
      expect(inline).toBeInstanceOf(SyntaxError);
      expect(() => planJson(text, { pieceChars: 4 })).toThrow((inline as Error).message);
    },
  );

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} with parseJson's message`, () => {
    const text = '{"a":' + '['.repeat(600) + ']'.repeat(600) + '}';
    expect(() => parseJson(text)).toThrow('JSON nested deeper than 512 levels at position 516');
    expect(() => planJson(text, { pieceChars: 4 })).toThrow('JSON nested deeper than 512 levels at position 516');
  });
});
