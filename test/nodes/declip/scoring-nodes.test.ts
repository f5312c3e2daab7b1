import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeclipModel } from '../../../models/declip/declip-model.js';
import type { ImageEmbeds, Scores, TextEmbeds } from '../../../models/declip/types.js';
import { ATTRIBUTE_PROMPTS } from '../../../models/iqa/prompts.js';
import { comboChoices, type ComboSpec } from '../../../server/engine/inputs.js';
import {
  attributeScoresNode, declipImageEncodeNode, declipLoaderNode, declipTextEncodeNode, qualityScoreNode, splitEmbedsNode,
} from '../../../nodes/declip/index.js';
import { declipFixture, patternImages, type DeclipFixture } from '../../models/declip/fixtures.js';
import { nodeContext } from '../../support/node-context.js';

let fx: DeclipFixture;
let vanilla: DeclipModel;
let declip: DeclipModel;
const images = patternImages(3);

async function load(projector: string): Promise<DeclipModel> {
  const r = await declipLoaderNode.run(nodeContext(fx), { clip_name: 'tiny-clip', projector, layout: 'auto' });
  return r.outputs![0] as DeclipModel;
}

async function score(inputs: Record<string, unknown>): Promise<Scores> {
  const base = { declip, space: 'perceptual', prompt_pair: 'technical', logit_scale: 100 };
  const r = await qualityScoreNode.run(nodeContext(fx), { ...base, ...inputs } as never);
  return r.outputs![0] as Scores;
}

beforeAll(async () => {
  fx = declipFixture();
  vanilla = await load('none');
  declip = await load('tiny-declip.safetensors');
});
afterAll(async () => {
  await fx.close();
});

describe('DeCLIPLoader', () => {
  it('lists store models and "none" as projector choices', () => {
    const services = { dirs: fx.dirs, models: fx.models } as never;
    expect(comboChoices(declipLoaderNode.inputs.required.clip_name as ComboSpec, services)).toEqual(['tiny-clip', 'tiny-clip-h']);
    expect(comboChoices(declipLoaderNode.inputs.required.projector as ComboSpec, services)).toEqual([
      'none', 'tiny-declip-h-init.safetensors', 'tiny-declip-h.safetensors', 'tiny-declip.safetensors',
    ]);
  });

  it('fingerprints the model files, so a replaced projector file re-runs the loader', () => {
    const services = { dirs: fx.dirs, models: fx.models } as never;
    const inputs = { clip_name: 'tiny-clip', projector: 'tiny-declip.safetensors', layout: 'auto' };
    const before = declipLoaderNode.fingerprint!(inputs, services);
    expect(declipLoaderNode.fingerprint!(inputs, services)).toBe(before);
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(fx.tiny.declip, later, later);
    expect(declipLoaderNode.fingerprint!(inputs, services)).not.toBe(before);
  });

  it('loads a DECLIP model naming its parts', () => {
    expect(declip.clipName).toBe('tiny-clip');
    expect(declip.projectorName).toBe('tiny-declip.safetensors');
    expect(vanilla.projectorName).toBe('none');
  });
});

describe('DeCLIPImageEncode', () => {
  it('gives raw, perceptual and semantic [B, d] and reports progress', async () => {
    const ctx = nodeContext(fx);
    const r = await declipImageEncodeNode.run(ctx, { declip, image: images, batch_size: 2 });
    const e = r.outputs![0] as ImageEmbeds;
    expect([e.count, e.dim]).toEqual([3, 64]);
    for (const part of [e.raw, e.perceptual, e.semantic]) expect(part!.dims).toEqual([3, 64]);
    expect(ctx.events).toEqual([{ progress: [2, 3] }, { progress: [3, 3] }]);
  });
});

describe('SplitEmbeds', () => {
  it('routes each half on its own and refuses the missing half downstream', async () => {
    const e = (await declipImageEncodeNode.run(nodeContext(fx), { declip, image: images, batch_size: 16 })).outputs![0] as ImageEmbeds;
    const [p, s] = (await splitEmbedsNode.run(nodeContext(fx), { embeds: e })).outputs as [ImageEmbeds, ImageEmbeds];
    expect(Array.from(p.perceptual!.data)).toEqual(Array.from(e.perceptual!.data));
    expect(p.semantic).toBeUndefined();
    expect(Array.from(s.semantic!.data)).toEqual(Array.from(e.semantic!.data));
    expect((await score({ embeds: p })).values).toEqual((await score({ image: images })).values);
    await expect(score({ embeds: p, space: 'semantic' })).rejects.toThrow(/carry only the perceptual part/);
  });
});

describe('DeCLIPTextEncode', () => {
  it('encodes one embedding per non-empty line', async () => {
    const r = await declipTextEncodeNode.run(nodeContext(fx), { declip, text: 'Good photo.\n\n  Bad photo.  \n' });
    const t = r.outputs![0] as TextEmbeds;
    expect(t.texts).toEqual(['Good photo.', 'Bad photo.']);
    expect(t.embeds.dims).toEqual([2, 64]);
    expect(t.modelKey).toBe(declip.clipKey);
  });

  it('refuses an empty text', async () => {
    await expect(declipTextEncodeNode.run(nodeContext(fx), { declip, text: ' \n ' })).rejects.toThrow(/no prompt given/);
  });
});

describe('QualityScore', () => {
  it('scores one value in (0, 1) per image, labelled with the preset and space', async () => {
    const s = await score({ image: images });
    expect(s.values).toHaveLength(3);
    for (const v of s.values) expect(v > 0 && v < 1).toBe(true);
    expect(s.label).toBe('Technical quality (DeCLIP perceptual)');
  });

  it('raw and clip are both vanilla CLIP, and equal DeCLIP without projectors', async () => {
    const raw = await score({ image: images, space: 'raw' });
    const clip = await score({ image: images, space: 'clip' });
    const zeroInit = await score({ image: images, declip: vanilla });
    expect(clip.values).toEqual(raw.values);
    expect(zeroInit.values).toEqual(raw.values);
    expect((await score({ image: images })).values).not.toEqual(raw.values);
  });

  it('uses the aesthetic preset and custom pairs', async () => {
    const aesthetic = await score({ image: images, prompt_pair: 'aesthetic' });
    expect(aesthetic.label).toMatch(/^Aesthetic quality/);
    const custom = await score({ image: images, prompt_pair: 'custom', positive: 'Good photo.', negative: 'Bad photo.' });
    expect(custom.values).toEqual((await score({ image: images })).values);
    const flipped = await score({ image: images, prompt_pair: 'custom', positive: 'Bad photo.', negative: 'Good photo.' });
    flipped.values.forEach((v, i) => expect(v).toBeCloseTo(1 - custom.values[i]!, 6));
  });

  it('keeps rankings across logit scales', async () => {
    const a = await score({ image: patternImages(5), logit_scale: 1 });
    const b = await score({ image: patternImages(5), logit_scale: 100 });
    const order = (v: readonly number[]) => v.map((_, i) => i).sort((x, y) => v[x]! - v[y]!);
    expect(order(a.values)).toEqual(order(b.values));
  });

  it('says what is wrong with its inputs', async () => {
    await expect(score({})).rejects.toThrow(/nothing to score/);
    const e = (await declipImageEncodeNode.run(nodeContext(fx), { declip, image: images, batch_size: 16 })).outputs![0];
    await expect(score({ image: images, embeds: e })).rejects.toThrow(/either image or embeds, not both/);
    await expect(score({ image: images, prompt_pair: 'custom', positive: 'x' })).rejects.toThrow(/two non-empty prompts/);
    await expect(score({ embeds: e, declip: vanilla })).rejects.toThrow(/encode with the same DECLIP model/);
    expect((await score({ embeds: e, declip: vanilla, space: 'raw' })).values).toHaveLength(3);
  });

  it('scores an empty batch as no values', async () => {
    expect((await score({ image: { data: new Float32Array(0), dims: [0, 8, 8, 3] } })).values).toEqual([]);
  });
});

describe('AttributeScores', () => {
  it('scores the ten attributes with noise oriented as higher = cleaner, and averages them', async () => {
    const r = await attributeScoresNode.run(nodeContext(fx), { declip, space: 'perceptual', group: 'all', logit_scale: 100, image: images });
    const s = r.outputs![0] as Scores;
    expect(Object.keys(s.attributes!)).toEqual([
      'brightness', 'colorfulness', 'contrast', 'noise', 'sharpness',
      'composition', 'color', 'depth_of_field', 'light', 'object_emphasis',
    ]);
    expect(s.directions!.noise).toBe('higher = cleaner (less noise)');
    const noise = ATTRIBUTE_PROMPTS.find((p) => p.id === 'noise')!;
    const direct = await score({ image: images, prompt_pair: 'custom', positive: noise.positive, negative: noise.negative });
    expect(s.attributes!.noise).toEqual(direct.values);
    const mean = s.values[0]!;
    const byHand = Object.values(s.attributes!).reduce((a, v) => a + v[0]!, 0) / 10;
    expect(mean).toBeCloseTo(byHand, 12);
  });

  it('limits to one group', async () => {
    const r = await attributeScoresNode.run(nodeContext(fx), { declip, space: 'clip', group: 'technical', logit_scale: 100, image: images });
    expect(Object.keys((r.outputs![0] as Scores).attributes!)).toEqual(['brightness', 'colorfulness', 'contrast', 'noise', 'sharpness']);
  });
});
