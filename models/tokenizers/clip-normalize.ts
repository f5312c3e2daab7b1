/**
 * Text cleanup and pre-tokenisation of OpenAI's CLIP `simple_tokenizer`, without ftfy:
 *   ftfy.fix_text → html.unescape ×2 → strip → collapse whitespace → lowercase → regex split.
 * ftfy is approximated by its cheap, common fixes (NFC, curly quotes, latin ligatures, full-width ASCII, control
 * characters); its mojibake repair is not attempted, so only already-broken text can tokenise differently.
 */

/**
 * Python's `str.isspace()` set, which `re.sub(r'\s+', ' ')` and `strip()` use in the reference. JS `\s` differs
 * (it adds U+FEFF and lacks U+001C..U+001F, U+0085), so it is spelled out.
 */
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const SPACE_RUN = new RegExp(`[${PY_SPACE}]+`, 'gu');
const EDGE_SPACE = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'gu');

/**
 * CLIP's pre-tokeniser: special tokens whole, English contractions, letter runs, single digits, and runs of
 * anything else that is not whitespace. Case-insensitive like the reference (`re.IGNORECASE`).
 */
export const CLIP_PRETOKENIZE = new RegExp(
  `<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|\\p{L}+|\\p{N}|[^${PY_SPACE}\\p{L}\\p{N}]+`,
  'giu',
);

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ndash: '\u2013', mdash: '\u2014',
  lsquo: '\u2018', rsquo: '\u2019', ldquo: '\u201c', rdquo: '\u201d', hellip: '\u2026', copy: '\u00a9',
  reg: '\u00ae', trade: '\u2122', deg: '\u00b0', times: '\u00d7', eacute: '\u00e9', egrave: '\u00e8',
};
const ENTITY = /&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);/g;

/** `html.unescape` for numeric entities and the common named ones; unknown names are left as written. */
export function htmlUnescape(text: string): string {
  return text.replace(ENTITY, (whole, body: string) => {
    if (body[0] !== '#') return NAMED_ENTITIES[body] ?? whole;
    const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    // Python maps invalid/surrogate code points to U+FFFD rather than throwing.
    if (!Number.isFinite(code) || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
    return String.fromCodePoint(code === 0 ? 0xfffd : code);
  });
}

/** The cheap subset of `ftfy.fix_text` defaults (see the module comment for what is left out). */
export function fixTextLite(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u2018\u2019\u201a\u201b]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f]/g, '"')
    // fix_latin_ligatures (ﬁ → fi, Ǉ → LJ) and fix_character_width (full-width ASCII, ideographic space): NFKC on
    // just those characters, as ftfy does.
    .replace(/[\ufb00-\ufb06\u0132\u0133\u01c7-\u01cc\uff01-\uff5e\u3000]/g, (ch) => ch.normalize('NFKC'))
    // remove_control_chars: ftfy's set (C0 controls except \t \n \f \r, DEL, deprecated format chars, BOM).
    .replace(/[\x00-\x08\x0b\x0e-\x1f\x7f\u206a-\u206f\ufeff\ufff9-\ufffc]/g, '');
}

/** Full CLIP cleanup: fix → unescape twice → whitespace collapse + strip → lowercase. */
export function normalizeClipText(text: string): string {
  const unescaped = htmlUnescape(htmlUnescape(fixTextLite(text)));
  return unescaped.replace(SPACE_RUN, ' ').replace(EDGE_SPACE, '').toLowerCase();
}

/** Splits normalised text into CLIP pre-tokens (each later byte-mapped and BPE-merged). */
export function pretokenize(normalized: string): string[] {
  return normalized.match(CLIP_PRETOKENIZE) ?? [];
}
