import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClipTokenizer } from '../../../models/tokenizers/clip-bpe.js';
import type { BpeVocabData } from '../../../models/tokenizers/openai-bpe.js';
import { convertOpenAiBpe, vocabFromOpenAiMerges } from '../../../models/tokenizers/openai-bpe.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const clipDir = path.resolve(repoRoot, '../shared/clip');
const bpeFile = path.join(clipDir, 'bpe_simple_vocab_16e6.txt.gz');
const refsFile = path.join(clipDir, 'token_refs.json');

describe('vocabFromOpenAiMerges', () => {
  it('lays out bytes, bytes+</w>, merges, then bos/eos', () => {
    const { vocab, merges } = vocabFromOpenAiMerges('#version: 0.2\nc a\nca t</w>\nignored x\n', 2);
    expect(merges).toEqual(['c a', 'ca t</w>']);
    expect([vocab['!'], vocab['!</w>'], vocab['a</w>'], vocab['ca'], vocab['cat</w>']]).toEqual([0, 256, 320, 512, 513]);
    expect([vocab['<|startoftext|>'], vocab['<|endoftext|>'], vocab['ignoredx']]).toEqual([514, 515, undefined]);
  });
});

describe.skipIf(!existsSync(bpeFile) || !existsSync(refsFile))(
  'convertOpenAiBpe against OpenAI reference ids (needs ../shared/clip; skipped on a fresh clone)',
  () => {
    // Converted in a hook, not at collection, so a skipped run never touches the missing file.
    let data: BpeVocabData;
    let tok: ClipTokenizer;
    beforeAll(() => {
      data = convertOpenAiBpe(bpeFile);
      tok = ClipTokenizer.fromData(data);
    });

    it('converts to 49,408 ids and 48,894 merges', () => {
      expect(Object.keys(data.vocab).length).toBe(49408);
      expect(data.merges.length).toBe(48894);
      expect([tok.bosId, tok.eosId, tok.padId]).toEqual([49406, 49407, 49407]);
    });

    it('matches every sentence of token_refs.json exactly', () => {
      const refs = (JSON.parse(readFileSync(refsFile, 'utf8')) as { refs: Array<{ text: string; ids: number[] }> }).refs;
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) expect(tok.encode(ref.text), ref.text).toEqual(ref.ids);
    });

    it('matches the reference table of the implementation notes (digits, contractions, spacing)', () => {
      expect(tok.encode('The company was founded in 2016.')).toEqual(
        [49406, 518, 2634, 739, 12240, 530, 273, 271, 272, 277, 269, 49407]);
      expect(tok.encode("it's a   TEST  ")).toEqual([49406, 585, 568, 320, 1628, 49407]);
      expect(tok.encode('masterpiece, best quality, 1girl')).toEqual([49406, 12066, 267, 949, 3027, 267, 272, 1611, 49407]);
    });

    it('pads an empty prompt with eos (SD1.5) or 0 (clip.tokenize)', () => {
      expect([...tok.encodeBatch(['']).ids.subarray(0, 4)]).toEqual([49406, 49407, 49407, 49407]);
      expect([...tok.encodeBatch([''], { pad: 0 }).ids.subarray(0, 4)]).toEqual([49406, 49407, 0, 0]);
    });
  },
);
