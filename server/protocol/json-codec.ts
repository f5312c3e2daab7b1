/**
 * JSON that keeps 64-bit integers intact. ComfyUI seeds go up to 2^64−1, which `JSON.parse` would silently round
 * (docs/comfyui-protocol.md), so wire bodies and persisted state go through lossless-json: integers beyond
 * `Number.MAX_SAFE_INTEGER` become `bigint`, every other number stays a `number`, and `bigint`s are written back as
 * plain JSON integers.
 */
import { parse, stringify } from 'lossless-json';

const INTEGER = /^-?\d+$/;

/** lossless-json number parser: bigint only where a double would lose digits. */
function parseNumber(text: string): number | bigint {
  const n = Number(text);
  if (INTEGER.test(text) && !Number.isSafeInteger(n)) return BigInt(text);
  return n;
}

/**
 * Parses JSON text. Duplicate keys keep the last value (as `JSON.parse` and Python do).
 * @throws SyntaxError naming the position of the first problem.
 */
export function parseJson(text: string): unknown {
  return parse(text, null, { parseNumber, onDuplicateKey: (info) => info.newValue });
}

/** Serialises like `JSON.stringify` (undefined and functions dropped), with bigints as integer tokens. */
export function stringifyJson(value: unknown): string {
  return stringify(value) ?? 'null';
}
