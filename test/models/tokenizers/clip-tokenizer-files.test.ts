import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClipTokenizer } from '../../../models/tokenizers/clip-bpe.js';
import { parseMergesText, readClipTokenizerDir } from '../../../models/tokenizers/clip-tokenizer-files.js';
import { BOS, CAT, EOS, TINY_MERGES, TINY_VOCAB } from './tiny-vocab.js';

function tokenizerDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-tok-'));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

const pairFiles = {
  'vocab.json': TINY_VOCAB,
  'merges.txt': `#version: 0.2\n${TINY_MERGES.join('\n')}\n`,
};

describe('parseMergesText', () => {
  it('drops the version header and blank lines', () => {
    expect(parseMergesText('#version: 0.2\nc a\n\nca  t</w>\n')).toEqual(['c a', 'ca t</w>']);
  });
});

describe('ClipTokenizer.fromDir', () => {
  it('reads vocab.json + merges.txt with SD1.5 defaults (pad = eos, 77)', async () => {
    const t = await ClipTokenizer.fromDir(tokenizerDir(pairFiles));
    expect([t.bosId, t.eosId, t.padId, t.modelMaxLength]).toEqual([BOS, EOS, EOS, 77]);
    expect(t.encode('cat')).toEqual([BOS, CAT, EOS]);
  });

  it('honours tokenizer_config.json tokens (AddedToken objects too) and model_max_length', async () => {
    const dir = tokenizerDir({
      ...pairFiles,
      'tokenizer_config.json': { bos_token: { content: '<|startoftext|>' }, pad_token: '!', model_max_length: 8 },
    });
    const t = await ClipTokenizer.fromDir(dir);
    expect([t.padId, t.modelMaxLength]).toEqual([0, 8]);
    expect([...t.encodeBatch(['cat']).ids]).toEqual([BOS, CAT, EOS, 0, 0, 0, 0, 0]);
  });

  it('uses special_tokens_map.json when tokenizer_config.json is silent', async () => {
    const dir = tokenizerDir({ ...pairFiles, 'special_tokens_map.json': { pad_token: '!' } });
    expect((await ClipTokenizer.fromDir(dir)).padId).toBe(0);
  });

  it('ignores legacy byte-symbol ids in config.json but takes real special ids and the length', async () => {
    const dir = tokenizerDir({
      ...pairFiles,
      'config.json': { text_config: { bos_token_id: 0, eos_token_id: 2, pad_token_id: EOS, max_position_embeddings: 9 } },
    });
    const t = await ClipTokenizer.fromDir(dir);
    expect([t.bosId, t.eosId, t.padId, t.modelMaxLength]).toEqual([BOS, EOS, EOS, 9]);
  });

  it('reads tokenizer.json with pair-style merges and added tokens', async () => {
    const { '<|startoftext|>': _b, '<|endoftext|>': _e, ...base } = TINY_VOCAB;
    const dir = tokenizerDir({
      'tokenizer.json': {
        model: { type: 'BPE', vocab: base, merges: TINY_MERGES.map((m) => m.split(' ')), end_of_word_suffix: '</w>' },
        added_tokens: [{ id: BOS, content: '<|startoftext|>' }, { id: EOS, content: '<|endoftext|>' }],
      },
    });
    const data = await readClipTokenizerDir(dir);
    expect(data.merges).toEqual(TINY_MERGES);
    expect((await ClipTokenizer.fromDir(dir)).encode('cat at')).toEqual([BOS, CAT, 9, EOS]);
  });

  it('names the folder when no vocabulary files exist', async () => {
    const dir = tokenizerDir({ 'config.json': {} });
    await expect(ClipTokenizer.fromDir(dir)).rejects.toThrow(new RegExp(`${dir}.*vocab.json.*tokenizer.json`));
  });
});

describe('ClipTokenizer.fromFiles', () => {
  it('reads explicit paths and takes special-token overrides', async () => {
    const dir = tokenizerDir(pairFiles);
    const t = await ClipTokenizer.fromFiles({
      vocab: path.join(dir, 'vocab.json'),
      merges: path.join(dir, 'merges.txt'),
      pad: 0,
    });
    expect([...t.encodeBatch(['a'], { length: 4 }).ids]).toEqual([BOS, 4, EOS, 0]);
  });
});
