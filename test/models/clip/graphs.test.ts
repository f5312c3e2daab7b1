import { beforeAll, describe, expect, it } from 'vitest';
import { fromHalfArray, toHalfArray } from '../../../models/onnx-builder/float16.js';
import {
  TINY_CLIP_CONFIG as C,
  TINY_CLIP_H_CONFIG,
  VIT_B32_CONFIG,
  buildClipFull,
  buildClipText,
  buildClipVision,
} from '../../../models/clip/graphs.js';
import { buildTinyVocab } from '../../../models/tiny/vocab.js';
import { f32, i64, ort, pattern, runOut, session, signature } from '../tiny/ort-helpers.js';
import { maxAbsDiff } from '../../support/arrays.js';

const S = C.vision.imageSize;
const SEED = 11;
const vocab = buildTinyVocab();
const BOS = vocab.bosId;
const EOS = vocab.eosId;

/** A [1,3,S+16,S+16] pattern image; crops of it are the test inputs. */
const big = pattern(3 * (S + 16) * (S + 16), 0.3);

function crop(dx: number, dy: number): Float32Array {
  const out = new Float32Array(3 * S * S);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) out[(c * S + y) * S + x] = big[(c * (S + 16) + y + dy) * (S + 16) + x + dx]!;
    }
  }
  return out;
}

function flipH(img: Float32Array): Float32Array {
  const out = new Float32Array(img.length);
  for (let r = 0; r < 3 * S; r++) for (let x = 0; x < S; x++) out[r * S + x] = img[r * S + S - 1 - x]!;
  return out;
}

function swapRB(img: Float32Array): Float32Array {
  const plane = S * S;
  const out = img.slice();
  out.set(img.subarray(0, plane), 2 * plane);
  out.set(img.subarray(2 * plane), 0);
  return out;
}

/** Relative change: max |a−b| over max |a|. */
function change(a: Float32Array, b: Float32Array): number {
  return maxAbsDiff(a, b) / Math.max(...Array.from(a, Math.abs));
}

function padIds(ids: number[], len: number): number[] {
  return [...ids, ...Array(len - ids.length).fill(EOS)];
}

describe('buildClipVision', () => {
  let vision: ort.InferenceSession;
  const embed = (img: Float32Array) => runOut(vision, { pixel_values: f32(img, [1, 3, S, S]) }, 'image_embeds');
  beforeAll(async () => {
    vision = await session(buildClipVision(C.vision, SEED));
  });

  it('has the split export signature', () => {
    expect(signature(vision.inputMetadata)).toEqual([`pixel_values: float32 [batch,3,${S},${S}]`]);
    expect(signature(vision.outputMetadata)).toEqual([`image_embeds: float32 [batch,${C.vision.projectionDim}]`]);
  });

  it('is deterministic per seed and differs between seeds', async () => {
    const img = crop(0, 0);
    const a = await embed(img);
    expect(maxAbsDiff(a, await embed(img))).toBe(0);
    const other = await session(buildClipVision(C.vision, SEED + 1));
    expect(change(a, await runOut(other, { pixel_values: f32(img, [1, 3, S, S]) }, 'image_embeds'))).toBeGreaterThan(0.05);
  });

  it.each([
    ['a horizontal flip', () => flipH(crop(0, 0))],
    ['a crop shifted by 8 px', () => crop(8, 0)],
    ['a crop shifted by 1 px', () => crop(0, 1)],
    ['a red/blue channel swap', () => swapRB(crop(0, 0))],
  ])('changes the embedding under %s', async (_name, variant) => {
    const base = await embed(crop(0, 0));
    expect(change(base, await embed(variant()))).toBeGreaterThan(0.01);
  });

  it('encodes each batch item independently', async () => {
    const a = crop(0, 0);
    const b = crop(4, 4);
    const both = new Float32Array(2 * a.length);
    both.set(a);
    both.set(b, a.length);
    const out = await runOut(vision, { pixel_values: f32(both, [2, 3, S, S]) }, 'image_embeds');
    const p = C.vision.projectionDim;
    expect(maxAbsDiff(out.subarray(0, p), await embed(a))).toBeLessThan(1e-5);
    expect(maxAbsDiff(out.subarray(p), await embed(b))).toBeLessThan(1e-5);
  });

  it('builds at P = 1024 and as float16 with the same values (within fp16 precision)', async () => {
    const h = await session(buildClipVision(TINY_CLIP_H_CONFIG.vision, SEED));
    const h16 = await session(buildClipVision(TINY_CLIP_H_CONFIG.vision, SEED, { precision: 'float16' }));
    expect(signature(h16.inputMetadata)).toEqual([`pixel_values: float16 [batch,3,${S},${S}]`]);
    const img = crop(0, 0);
    const ref = await runOut(h, { pixel_values: f32(img, [1, 3, S, S]) }, 'image_embeds');
    expect(ref.length).toBe(1024);
    const r = await h16.run({ pixel_values: new ort.Tensor('float16', toHalfArray(img), [1, 3, S, S]) });
    expect(r.image_embeds!.data).toBeInstanceOf(Uint16Array);
    expect(change(ref, fromHalfArray(r.image_embeds!.data as Uint16Array))).toBeLessThan(0.03);
  });

  it('builds ViT-B/32 sizes (one layer here to keep the test fast)', async () => {
    const s = await session(buildClipVision({ ...VIT_B32_CONFIG.vision, layers: 1 }, SEED));
    const out = await runOut(s, { pixel_values: f32(crop(0, 0), [1, 3, 224, 224]) }, 'image_embeds');
    expect(out.length).toBe(512);
  });
});

describe('buildClipText', () => {
  let text: ort.InferenceSession;
  const embed = (ids: number[]) => runOut(text, { input_ids: i64(ids, [1, ids.length]) }, 'text_embeds');
  beforeAll(async () => {
    text = await session(buildClipText(C.text, SEED));
  });

  it('uses the tiny vocabulary size and has the split export signature', () => {
    expect(C.text.vocabSize).toBe(vocab.size);
    expect(signature(text.inputMetadata)).toEqual(['input_ids: int64 [batch,sequence]']);
    expect(signature(text.outputMetadata)).toEqual([`text_embeds: float32 [batch,${C.text.projectionDim}]`]);
  });

  it('changes with token order', async () => {
    const good = vocab.vocab['good</w>']!;
    const photo = vocab.vocab['photo</w>']!;
    const a = await embed([BOS, good, photo, EOS]);
    expect(change(a, await embed([BOS, photo, good, EOS]))).toBeGreaterThan(0.01);
  });

  it('pools at the first EOS: padding after it does not change the embedding (causal attention)', async () => {
    const ids = [BOS, vocab.vocab['sharp</w>']!, vocab.vocab['photo</w>']!, EOS];
    const short = await embed(ids);
    expect(maxAbsDiff(short, await embed(padIds(ids, 77)))).toBeLessThan(1e-5);
    // Moving EOS one token later pools a different position.
    expect(change(short, await embed(padIds([...ids.slice(0, 3), vocab.vocab['a</w>']!, EOS], 77)))).toBeGreaterThan(0.01);
  });

  it('accepts int32 ids in the int32 variant', async () => {
    const s = await session(buildClipText(C.text, SEED, { idsType: 'int32' }));
    expect(signature(s.inputMetadata)).toEqual(['input_ids: int32 [batch,sequence]']);
    const ids = [BOS, 5, 9, EOS];
    const out = await runOut(s, { input_ids: new ort.Tensor('int32', Int32Array.from(ids), [1, 4]) }, 'text_embeds');
    expect(maxAbsDiff(out, await embed(ids))).toBeLessThan(1e-6);
  });
});

describe('buildClipFull', () => {
  it('has the optimum signature and equals the split towers, normalised, with logits = 100·cosine', async () => {
    const full = await session(buildClipFull(C, SEED));
    expect(signature(full.inputMetadata)).toEqual([
      'input_ids: int64 [text_batch_size,sequence_length]',
      `pixel_values: float32 [image_batch_size,3,${S},${S}]`,
      'attention_mask: int64 [text_batch_size,sequence_length]',
    ]);
    expect(signature(full.outputMetadata)).toEqual([
      'logits_per_image: float32 [image_batch_size,text_batch_size]',
      'logits_per_text: float32 [text_batch_size,image_batch_size]',
      `text_embeds: float32 [text_batch_size,${C.text.projectionDim}]`,
      `image_embeds: float32 [image_batch_size,${C.vision.projectionDim}]`,
    ]);
    const ids = [BOS, 7, 8, EOS, BOS, 9, EOS, EOS];
    const img = crop(0, 0);
    const r = await full.run({ input_ids: i64(ids, [2, 4]), attention_mask: i64(Array(8).fill(1), [2, 4]), pixel_values: f32(img, [1, 3, S, S]) });
    const vision = await session(buildClipVision(C.vision, SEED));
    const text = await session(buildClipText(C.text, SEED));
    const norm = (v: Float32Array) => v.map((x) => x / Math.hypot(...v));
    const imgEmb = norm(await runOut(vision, { pixel_values: f32(img, [1, 3, S, S]) }, 'image_embeds'));
    expect(maxAbsDiff(r.image_embeds!.data as Float32Array, imgEmb)).toBeLessThan(1e-5);
    const t0 = norm(await runOut(text, { input_ids: i64(ids.slice(0, 4), [1, 4]) }, 'text_embeds'));
    const textEmb = r.text_embeds!.data as Float32Array;
    expect(maxAbsDiff(textEmb.subarray(0, 64), t0)).toBeLessThan(1e-5);
    const cos = t0.reduce((s, v, i) => s + v * imgEmb[i]!, 0);
    const perImage = r.logits_per_image!.data as Float32Array;
    expect(r.logits_per_image!.dims).toEqual([1, 2]);
    expect(Math.abs(perImage[0]! - 100 * cos)).toBeLessThan(1e-3);
    expect(Array.from(r.logits_per_text!.data as Float32Array)).toEqual(Array.from(perImage));
  });

  it('uses attention_mask: masking a non-pooled token changes the text embedding', async () => {
    const full = await session(buildClipFull(C, SEED));
    const feeds = (mask: number[]) => ({
      input_ids: i64([BOS, 7, 8, EOS], [1, 4]),
      attention_mask: i64(mask, [1, 4]),
      pixel_values: f32(crop(0, 0), [1, 3, S, S]),
    });
    const a = await runOut(full, feeds([1, 1, 1, 1]), 'text_embeds');
    expect(change(a, await runOut(full, feeds([1, 0, 1, 1]), 'text_embeds'))).toBeGreaterThan(0.01);
  });
});
