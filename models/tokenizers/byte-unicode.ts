/**
 * GPT-2/CLIP byte-level alphabet: every byte 0..255 maps to one printable unicode character so that BPE symbols never
 * contain whitespace or control characters (OpenAI `bytes_to_unicode`). Printable latin-1 bytes map to themselves;
 * the other 68 bytes map to U+0100.. in byte order.
 */

function buildByteToUnicode(): string[] {
  const printable: number[] = [];
  const ranges: Array<[number, number]> = [[0x21, 0x7e], [0xa1, 0xac], [0xae, 0xff]];
  for (const [lo, hi] of ranges) for (let b = lo; b <= hi; b++) printable.push(b);
  const table = new Array<string>(256);
  for (const b of printable) table[b] = String.fromCharCode(b);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (table[b] === undefined) table[b] = String.fromCharCode(256 + n++);
  }
  return table;
}

/**
 * `BYTE_TO_UNICODE[b]` is the one-character symbol of byte `b` (0..255). This is indexed by byte, which is not the
 * vocab id order; use {@link byteSymbolsInVocabOrder} for ids 0..255.
 */
export const BYTE_TO_UNICODE: readonly string[] = buildByteToUnicode();

/** Inverse of {@link BYTE_TO_UNICODE}: symbol character → byte value. */
export const UNICODE_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_UNICODE.map((ch, b) => [ch, b]));

/**
 * The 256 byte symbols in OpenAI's `bytes_to_unicode().values()` order, which is the order of CLIP vocab ids 0..255:
 * printable bytes first ('!'..'~', '¡'..'¬', '®'..'ÿ'), then the remapped ones (U+0100..U+0143).
 */
export function byteSymbolsInVocabOrder(): string[] {
  const printable = BYTE_TO_UNICODE.filter((ch) => ch.charCodeAt(0) < 256);
  const remapped = BYTE_TO_UNICODE.filter((ch) => ch.charCodeAt(0) >= 256);
  return [...printable, ...remapped];
}

/** Maps a string's UTF-8 bytes to byte symbols (one char per byte). */
export function toByteSymbols(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += BYTE_TO_UNICODE[bytes[i]!]!;
  return out;
}

/** Inverse of {@link toByteSymbols}; invalid UTF-8 becomes U+FFFD, characters outside the alphabet are dropped. */
export function fromByteSymbols(symbols: string): string {
  const bytes: number[] = [];
  for (const ch of symbols) {
    const b = UNICODE_TO_BYTE.get(ch);
    if (b !== undefined) bytes.push(b);
  }
  return Buffer.from(bytes).toString('utf8');
}
