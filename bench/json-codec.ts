/**
 * The JSON codec on a 50 MB prompt (200k nodes with 64-bit seeds and `8.0`-style floats) against plain
 * `JSON.parse`/`JSON.stringify` of the same text, and against lossless-json (the codec before issue 19).
 */
import { parse as losslessParse } from 'lossless-json';
import { parseJson, stringifyJson } from '../server/protocol/json-codec.js';

export interface JsonCodecFigures {
  readonly megabytes: number;
  readonly parseMs: number;
  readonly jsonParseMs: number;
  readonly losslessParseMs: number;
  readonly stringifyMs: number;
  readonly jsonStringifyMs: number;
}

function time<T>(f: () => T): { ms: number; value: T } {
  const t = performance.now();
  const value = f();
  return { ms: performance.now() - t, value };
}

/** Builds the prompt text and times each parser once (after one warm-up of ours). */
export function benchJsonCodec(nodes = 200_000): JsonCodecFigures {
  const parts: string[] = [];
  for (let i = 0; i < nodes; i++) {
    parts.push(`"${i}":{"class_type":"KSampler","inputs":{"seed":${18446744073709551615n - BigInt(i)},"cfg":8.0,"text":"${'a photo of a cat '.repeat(10)}","model":["${i - 1}",0]}}`);
  }
  const text = `{"prompt":{${parts.join(',')}}}`;
  parseJson(text);
  const ours = time(() => parseJson(text));
  const plain = time(() => JSON.parse(text) as unknown);
  const lossless = time(() => losslessParse(text));
  return {
    megabytes: text.length / 1e6,
    parseMs: ours.ms,
    jsonParseMs: plain.ms,
    losslessParseMs: lossless.ms,
    stringifyMs: time(() => stringifyJson(ours.value)).ms,
    jsonStringifyMs: time(() => JSON.stringify(plain.value)).ms,
  };
}
