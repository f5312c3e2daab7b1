/** Big request bodies are parsed in pieces planned by the worker thread, with the inline parse's value and errors. */
import { describe, expect, it } from 'vitest';
import { parseJsonBody, PIECEWISE_THRESHOLD_BYTES } from '../../../server/api/json-body-parse.js';
import { numberLiteralKind, parseJson, stringifyJson } from '../../../server/protocol/json-codec.js';

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
