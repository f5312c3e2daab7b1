import { describe, expect, it } from 'vitest';
import { ClipTokenizer } from '../../../models/tokenizers/clip-bpe.js';
import { BOS, CAT, EOS, tinyData } from './tiny-vocab.js';

const tok = () => ClipTokenizer.fromData(tinyData());

describe('ClipTokenizer.encode', () => {
  it('merges by rank and wraps with bos/eos', () => {
    expect(tok().encode('cat')).toEqual([BOS, CAT, EOS]);
    expect(tok().encode('at')).toEqual([BOS, 9, EOS]);
    // no ranked pair in "tac": byte symbols stay, the last one carries </w>
    expect(tok().encode('tac')).toEqual([BOS, 3, 1, 5, EOS]);
  });

  it('lowercases, unescapes html and collapses whitespace', () => {
    expect(tok().encode('  CaT\n\t a  ')).toEqual([BOS, CAT, 4, EOS]);
    expect(tok().encode('cat&#44;')).toEqual([BOS, CAT, 10, EOS]);
    expect(tok().encode('ＣＡＴ')).toEqual([BOS, CAT, EOS]);
  });

  it('splits punctuation from letters and maps unknown symbols to unk (eos)', () => {
    expect(tok().encode('cat,cat')).toEqual([BOS, CAT, 10, CAT, EOS]);
    expect(tok().encode('x')).toEqual([BOS, EOS, EOS]);
  });

  it('keeps literal special tokens whole', () => {
    expect(tok().encode('cat <|endoftext|>')).toEqual([BOS, CAT, EOS, EOS]);
  });

  it('throws naming the symbol when there is no unk token', () => {
    const t = ClipTokenizer.fromData(tinyData({ unk: 'nope' }));
    expect(() => t.encode('x')).toThrow(/"x<\/w>".*not in the vocab/);
  });
});

describe('ClipTokenizer cache', () => {
  it('caches each distinct word once', () => {
    const t = tok();
    expect(t.encode('cat cat cat')).toEqual([BOS, CAT, CAT, CAT, EOS]);
    expect(t.cacheSize).toBe(1);
    t.encode('at cat');
    expect(t.cacheSize).toBe(2);
    expect(t.encode('cat')).toEqual([BOS, CAT, EOS]);
  });
});

describe('ClipTokenizer.encodeBatch', () => {
  it('pads with the configured pad id (eos by default, 0 for OpenCLIP)', () => {
    const eosPad = tok().encodeBatch(['cat'], { length: 6 });
    expect([...eosPad.ids]).toEqual([BOS, CAT, EOS, EOS, EOS, EOS]);
    expect(eosPad.dims).toEqual([1, 6]);
    expect(eosPad.eosIndex).toEqual([2]);
    expect([...tok().encodeBatch(['cat'], { length: 5, pad: '!' }).ids]).toEqual([BOS, CAT, EOS, 0, 0]);
    const zeroPad = ClipTokenizer.fromData(tinyData({ pad: 0 }));
    expect([...zeroPad.encodeBatch(['a'], { length: 4 }).ids]).toEqual([BOS, 4, EOS, 0]);
  });

  it('truncates to 77 keeping eos last', () => {
    const batch = tok().encodeBatch(['cat '.repeat(100), 'at']);
    expect(batch.dims).toEqual([2, 77]);
    const row0 = [...batch.ids.subarray(0, 77)];
    expect(row0[0]).toBe(BOS);
    expect(row0.slice(1, 76).every((id) => id === CAT)).toBe(true);
    expect(row0[76]).toBe(EOS);
    expect(batch.eosIndex).toEqual([76, 2]);
    expect([...batch.ids.subarray(77, 80)]).toEqual([BOS, 9, EOS]);
  });

  it('refuses long rows when truncate is false', () => {
    expect(() => tok().encodeBatch(['cat cat cat'], { length: 4, truncate: false })).toThrow(/5 tokens.*length 4/);
  });

  it('rejects a pad token missing from the vocab', () => {
    expect(() => tok().encodeBatch(['cat'], { pad: '<pad>' })).toThrow(/pad token "<pad>"/);
  });
});

describe('ClipTokenizer.chunked', () => {
  it('splits a 200-token prompt into 3 windows of 77', () => {
    const batch = tok().chunked('cat '.repeat(200), 75);
    expect(batch.dims).toEqual([3, 77]);
    for (let w = 0; w < 3; w++) expect(batch.ids[w * 77]).toBe(BOS);
    expect(batch.ids[76]).toBe(EOS);
    expect(batch.ids[77 + 75]).toBe(CAT);
    expect(batch.eosIndex).toEqual([76, 76, 51]);
    expect(batch.ids[2 * 77 + 50]).toBe(CAT);
    expect(batch.ids[2 * 77 + 51]).toBe(EOS);
  });

  it('gives one padded window for an empty prompt', () => {
    const batch = tok().chunked('');
    expect(batch.dims).toEqual([1, 77]);
    expect([...batch.ids.subarray(0, 3)]).toEqual([BOS, EOS, EOS]);
  });

  it('moves a short word whole to the next window with keepWords (ComfyUI)', () => {
    const text = `${'cat '.repeat(74)}tac`;
    const stream = tok().chunked(text);
    expect([...stream.ids.subarray(75, 77)]).toEqual([3, EOS]);
    expect([...stream.ids.subarray(77, 80)]).toEqual([BOS, 1, 5]);
    const words = tok().chunked(text, { keepWords: true });
    expect(words.eosIndex).toEqual([75, 4]);
    expect([...words.ids.subarray(77, 82)]).toEqual([BOS, 3, 1, 5, EOS]);
  });
});

describe('ClipTokenizer.decode', () => {
  it('round-trips text and stops at the first eos', () => {
    const t = tok();
    expect(t.decode(t.encodeBatch(['Cat, tac']).ids)).toBe('cat , tac');
    expect(t.decode([BOS, CAT, EOS], { skipSpecial: false })).toBe('<|startoftext|>cat <|endoftext|>');
    expect(() => t.decode([99])).toThrow(/id 99/);
  });
});
