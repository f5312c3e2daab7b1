import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floatOutput } from '../../../models/onnx/tensor-types.js';
import { encodePrompt, promptWindows, tokenizerFor } from '../../../models/sd/text-encoder.js';
import { TINY_DEFAULT_SEED } from '../../../models/tiny/setup.js';
import { TINY_SD_TEXT_ENCODER_CONFIG, buildSdTextEncoder } from '../../../models/tiny/sd-text-encoder.js';
import { buildTinyVocab } from '../../../models/tiny/vocab.js';
import { TINY_VOCAB_WORDS } from '../../../models/tiny/vocab-words.js';
import { createSdFixture, type SdFixture } from './sd-fixture.js';
import { maxAbsDiff } from '../../support/arrays.js';

let fx: SdFixture;
beforeAll(() => {
  fx = createSdFixture();
});
afterAll(() => fx?.close());

/** 120 distinct words: well over 75 tokens. */
const LONG = TINY_VOCAB_WORDS.slice(0, 120).join(' ');

async function rawRow(ids: Int32Array, row: number, file = fx.ckpt.clip.textEncoderPath) {
  const session = await fx.models.pool.get(file);
  const out = await session.run({ input_ids: { data: ids.subarray(row * 77, (row + 1) * 77), dims: [1, 77] } });
  return { hidden: floatOutput(out, 'last_hidden_state').data, pooled: floatOutput(out, 'pooler_output').data };
}

describe('promptWindows', () => {
  it('splits a long prompt into 77-id windows of [bos, ≤75 tokens, eos, pad…] without splitting short words', async () => {
    const tok = await tokenizerFor(fx.models.pool, fx.ckpt.clip.tokenizerDir);
    expect(tok.tokenize(LONG).length).toBeGreaterThan(75);
    const { ids, dims } = await promptWindows(fx.models.pool, fx.ckpt.clip, LONG);
    expect(dims[1]).toBe(77);
    expect(dims[0]).toBeGreaterThanOrEqual(Math.ceil(tok.tokenize(LONG).length / 75));
    for (let r = 0; r < dims[0]; r++) expect(ids[r * 77]).toBe(tok.bosId);
    const content = [...ids].filter((id) => id !== tok.bosId && id !== tok.eosId && id !== tok.padId);
    expect(content).toEqual(tok.tokenize(LONG).filter((id) => id !== tok.padId));
    expect(tokenizerFor(fx.models.pool, fx.ckpt.clip.tokenizerDir)).toBe(tokenizerFor(fx.models.pool, fx.ckpt.clip.tokenizerDir));
  });
});

describe('encodePrompt', () => {
  it('encodes a short prompt to [1,77,768] with the pooled output of its window', async () => {
    const entry = await encodePrompt({ sessions: fx.models.pool, clip: fx.ckpt.clip, text: 'a photo of a cat' });
    expect(entry.embeds.dims).toEqual([1, 77, 768]);
    expect(entry.pooled?.dims).toEqual([1, 768]);
    const { ids } = await promptWindows(fx.models.pool, fx.ckpt.clip, 'a photo of a cat');
    const raw = await rawRow(ids, 0);
    expect(maxAbsDiff(entry.embeds.data, raw.hidden)).toBeLessThan(1e-5);
    expect(maxAbsDiff(entry.pooled!.data, raw.pooled)).toBeLessThan(1e-5);
  });

  it('concatenates the windows of a long prompt along the token axis, pooled from the first', async () => {
    const entry = await encodePrompt({ sessions: fx.models.pool, clip: fx.ckpt.clip, text: LONG });
    const { ids, dims } = await promptWindows(fx.models.pool, fx.ckpt.clip, LONG);
    expect(entry.embeds.dims).toEqual([1, 77 * dims[0], 768]);
    for (let r = 0; r < dims[0]; r++) {
      const raw = await rawRow(ids, r);
      expect(maxAbsDiff(entry.embeds.data.subarray(r * 77 * 768, (r + 1) * 77 * 768), raw.hidden)).toBeLessThan(1e-5);
    }
    expect(maxAbsDiff(entry.pooled!.data, (await rawRow(ids, 0)).pooled)).toBeLessThan(1e-5);
  });

  it('feeds int64 input_ids to exports that declare them', async () => {
    const config = { ...TINY_SD_TEXT_ENCODER_CONFIG, vocabSize: buildTinyVocab().size };
    const file = fx.writeVariant('text-encoder-int64.onnx', buildSdTextEncoder({ ...config, idsType: 'int64' }, TINY_DEFAULT_SEED));
    expect((await fx.models.pool.get(file)).input('input_ids')?.type).toBe('int64');
    const a = await encodePrompt({ sessions: fx.models.pool, clip: fx.ckpt.clip, text: 'sharp photo' });
    const b = await encodePrompt({ sessions: fx.models.pool, clip: { ...fx.ckpt.clip, textEncoderPath: file }, text: 'sharp photo' });
    expect(maxAbsDiff(a.embeds.data, b.embeds.data)).toBeLessThan(1e-5);
  });
});
