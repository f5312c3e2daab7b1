/**
 * Reads the text chunks of a PNG, where SaveImage stores `prompt` (API JSON) and `workflow` (UI JSON) (reference
 * §5.4). Handles tEXt (Latin-1) and uncompressed iTXt (UTF-8); compressed chunks are skipped since ComfyUI never
 * writes them. Pure: works on bytes, in the browser and in Node.
 */

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** True when the bytes start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return SIGNATURE.every((b, i) => bytes[i] === b);
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

function parseItxt(data: Uint8Array): [string, string] | undefined {
  const keyEnd = data.indexOf(0);
  if (keyEnd < 0 || data[keyEnd + 1] !== 0) return undefined; // compressed iTXt
  // keyword \0 compression-flag compression-method language \0 translated-keyword \0 text
  const langEnd = data.indexOf(0, keyEnd + 3);
  const transEnd = langEnd < 0 ? -1 : data.indexOf(0, langEnd + 1);
  if (transEnd < 0) return undefined;
  return [latin1(data.subarray(0, keyEnd)), new TextDecoder().decode(data.subarray(transEnd + 1))];
}

/**
 * Returns keyword → text for every tEXt/iTXt chunk, in file order (a later duplicate wins).
 * @throws Error when the bytes are not a PNG.
 */
export function readPngText(bytes: Uint8Array): Record<string, string> {
  if (!isPng(bytes)) throw new Error('not a PNG file (bad signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Record<string, string> = {};
  let at = 8;
  while (at + 8 <= bytes.length) {
    const length = view.getUint32(at);
    const type = latin1(bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, Math.min(at + 8 + length, bytes.length));
    if (type === 'tEXt') {
      const sep = data.indexOf(0);
      if (sep > 0) out[latin1(data.subarray(0, sep))] = latin1(data.subarray(sep + 1));
    } else if (type === 'iTXt') {
      const kv = parseItxt(data);
      if (kv) out[kv[0]] = kv[1];
    } else if (type === 'IEND') break;
    at += 12 + length;
  }
  return out;
}

/**
 * The workflow embedded in a PNG: the `workflow` chunk (UI format) when present, else `prompt` (API format), else
 * undefined. JSON that does not parse is reported with the chunk name.
 */
export function workflowFromPng(bytes: Uint8Array): { format: 'ui' | 'api'; json: unknown } | undefined {
  const text = readPngText(bytes);
  for (const [key, format] of [['workflow', 'ui'], ['prompt', 'api']] as const) {
    const raw = text[key];
    if (raw === undefined) continue;
    try {
      return { format, json: JSON.parse(raw) };
    } catch (e) {
      throw new Error(`PNG '${key}' chunk is not valid JSON: ${(e as Error).message}`);
    }
  }
  return undefined;
}
