/** Big request bodies are parsed in pieces planned by the worker thread, with the inline parse's value and errors. */
import { describe, expect, it } from 'vitest';
import { parseJsonBody, PIECEWISE_THRESHOLD_BYTES } from '../../../server/api/json-body-parse.js';
import { numberLiteralKind, parseJson, stringifyJson } from '../../../server/protocol/json-codec.js';
import { ownKeys } from '../../../server/protocol/json-own-keys.js';

/** A prompt of about `bytes` with a 64-bit seed and an `8.0` cfg in every node. */
function bigPrompt(bytes: number): string {
  const parts: string[] = [];
  for (let i = 0, size = 0; size < bytes; i++) {
    const part = `"${i}":{"class_type":"KSampler","inputs":{"seed":${18446744073709551615n - BigInt(i)},"cfg":8.0,"text":"a café ${'x'.repeat(200)}"}}`;
    parts.push(part);
    size += part.length;
  }
  return `{"prompt":{${parts.join(',')}}}`;
}

describe('parseJsonBody', () => {
  it('parses a body over the threshold through the worker, with the inline value (bigints, 5.0 marks)', async () => {
    const text = bigPrompt(2 * PIECEWISE_THRESHOLD_BYTES);
    const parsed = await parseJsonBody(Buffer.from(text));
    expect(parsed.via).toBe('pieces');
    expect(parsed.inlineReason).toBeUndefined();
    const inline = parseJson(text);
    expect(parsed.value).toEqual(inline);
    expect(stringifyJson(parsed.value)).toBe(stringifyJson(inline));
    const node = (parsed.value as any).prompt['1000'];
    expect(node.inputs.seed).toBe(18446744073709550615n);
    expect(numberLiteralKind(node.inputs, 'cfg')).toBe('float');
  });

  it('reads a body in shared memory the same way, and knows the big objects\' keys in Object.keys order', async () => {
    // Integer ids enumerate first in numeric order; a repeated key keeps its first place and its last value.
    const nodes = bigPrompt(2 * PIECEWISE_THRESHOLD_BYTES).slice('{"prompt":{'.length, -2);
    const text = `{"prompt":{"b":{"class_type":"X"},${nodes},"__proto__":{"class_type":"P"},"a":1,"b":{"class_type":"Y"},"07":2,"4294967295":3,"4294967294":4}}`;
    const shared = Buffer.from(new SharedArrayBuffer(Buffer.byteLength(text)));
    shared.write(text);
    const parsed = await parseJsonBody(shared);
    expect(parsed.inlineReason).toBeUndefined();
    expect(parsed.via).toBe('pieces');
    const prompt = (parsed.value as { prompt: Record<string, unknown> }).prompt;
    expect(ownKeys(prompt)).not.toBe(ownKeys({ ...prompt })); // the record, not a fresh Object.keys
    expect(ownKeys(prompt)).toEqual(Object.keys(prompt));
    expect(Object.keys(prompt).slice(0, 3)).toEqual(['0', '1', '2']);
    expect(prompt.b).toEqual({ class_type: 'Y' });
    expect(Object.getPrototypeOf(prompt)).toBe(Object.prototype);
    expect(stringifyJson(parsed.value)).toBe(stringifyJson(parseJson(text)));
  });

  it('decodes long strings run by run: escapes, raw multi-byte characters and surrogate pairs cut anywhere', async () => {
    const tricky = 'a\\"b\\\\c\\nd\\u00e9e\\ud83d\\ude00f—猫🐈g\\/h'.repeat(40); // JSON text: escapes and raw characters
    const text = `{"prompt":{"n":{"inputs":{"text":"${tricky}","list":["${tricky}",1,"${tricky}"]}},"seed":18446744073709551615}}`;
    const inline = parseJson(text);
    for (const pieceChars of [5, 6, 7, 64]) {
      const parsed = await parseJsonBody(Buffer.from(text), { thresholdBytes: 1, pieceChars });
      expect(parsed.via).toBe('pieces');
      expect(parsed.value).toEqual(inline);
    }
    expect((inline as any).prompt.n.inputs.text).toContain('a"b\\c\nd' + 'ée😀f—猫🐈g/h');
  });

  it('parses a body under the threshold inline', async () => {
    expect(await parseJsonBody(Buffer.from('{"seed":18446744073709551615}'))).toEqual({ value: { seed: 18446744073709551615n }, via: 'inline' });
  });

  it('throws parseJson\'s SyntaxError for a malformed big body, and undefined for a blank one', async () => {
    const text = bigPrompt(PIECEWISE_THRESHOLD_BYTES + 10).slice(0, -1) + ',}';
    let message = '';
    try {
      parseJson(text);
    } catch (err) {
      message = (err as Error).message;
    }
    await expect(parseJsonBody(Buffer.from(text))).rejects.toThrow(new SyntaxError(message));
    expect((await parseJsonBody(Buffer.alloc(PIECEWISE_THRESHOLD_BYTES, ' '))).value).toBeUndefined();
  });

  it('leaves a big body that is not valid UTF-8 to the inline parse', async () => {
    const text = bigPrompt(PIECEWISE_THRESHOLD_BYTES);
    const bytes = Buffer.concat([Buffer.from(text.slice(0, 20)), Buffer.from([0xff]), Buffer.from(text.slice(20))]);
    const parsed = await parseJsonBody(bytes);
    expect(parsed).toMatchObject({ via: 'inline', inlineReason: 'not valid UTF-8' });
    expect(stringifyJson(parsed.value)).toBe(stringifyJson(parseJson(bytes.toString('utf8'))));
  });
});
