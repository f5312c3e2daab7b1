import { describe, expect, it } from 'vitest';
import { htmlUnescape, normalizeClipText, pretokenize } from '../../../models/tokenizers/clip-normalize.js';
import { byteSymbolsInVocabOrder, fromByteSymbols, toByteSymbols } from '../../../models/tokenizers/byte-unicode.js';

describe('normalizeClipText', () => {
  it('collapses Python whitespace (incl. U+001C, U+0085, U+3000), strips and lowercases', () => {
    expect(normalizeClipText('  A\u0085b\u3000\u3000C\t\n ')).toBe('a b c');
  });

  it('applies the cheap ftfy fixes: curly quotes, ligatures, full-width ASCII, control chars', () => {
    expect(normalizeClipText('It\u2019s \ufb01ne \uff21\u0007')).toBe("it's fine a");
  });
});

describe('htmlUnescape', () => {
  it('decodes named and numeric entities; normalizeClipText applies it twice', () => {
    expect(htmlUnescape('&lt;b&gt; &#233; &#x41; &bogus;')).toBe('<b> é A &bogus;');
    expect(normalizeClipText('&amp;amp;')).toBe('&');
  });
});

describe('pretokenize', () => {
  it('keeps contractions, letter runs, single digits and punctuation runs', () => {
    expect(pretokenize("it's 2016!!, <|endoftext|>x")).toEqual(['it', "'s", '2', '0', '1', '6', '!!,', '<|endoftext|>', 'x']);
  });
});

describe('byte symbols', () => {
  it('has 256 distinct symbols, printable ASCII first, and round-trips UTF-8', () => {
    const symbols = byteSymbolsInVocabOrder();
    expect(new Set(symbols).size).toBe(256);
    expect([symbols[0], symbols[93], symbols[188]]).toEqual(['!', '~', '\u0100']);
    expect(toByteSymbols(' é')).toBe('\u0120Ã©');
    expect(fromByteSymbols(toByteSymbols('naïve 猫'))).toBe('naïve 猫');
  });
});
