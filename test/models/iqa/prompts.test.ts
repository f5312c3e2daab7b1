import { describe, expect, it } from 'vitest';
import {
  ATTRIBUTE_PROMPTS,
  customPromptPair,
  PROMPT_PRESET_IDS,
  promptPreset,
  QUALITY_PROMPTS,
} from '../../../models/iqa/prompts.js';

describe('QUALITY_PROMPTS', () => {
  it("uses CLIP-IQA's pairs for the two task presets", () => {
    expect([QUALITY_PROMPTS.technical.positive, QUALITY_PROMPTS.technical.negative]).toEqual(['Good photo.', 'Bad photo.']);
    expect(QUALITY_PROMPTS.aesthetic.negative).toBe('Not aesthetic photo.');
  });
});

describe('ATTRIBUTE_PROMPTS', () => {
  it("covers the ten attributes of DeCLIP's Table 4, five per group", () => {
    expect(ATTRIBUTE_PROMPTS.map((p) => p.id)).toEqual([
      'brightness', 'colorfulness', 'contrast', 'noise', 'sharpness',
      'composition', 'color', 'depth_of_field', 'light', 'object_emphasis',
    ]);
    expect(ATTRIBUTE_PROMPTS.filter((p) => p.group === 'technical')).toHaveLength(5);
  });
  it('orients noise so that higher = cleaner', () => {
    const noise = promptPreset('noise');
    expect(noise.positive).toBe('Clean photo.');
    expect(noise.negative).toBe('Noisy photo.');
    expect(noise.direction).toMatch(/higher = cleaner/);
  });
  it('has distinct, non-empty prompts and a direction for every pair', () => {
    for (const p of ATTRIBUTE_PROMPTS) {
      expect(p.positive.length * p.negative.length).toBeGreaterThan(0);
      expect(p.positive).not.toBe(p.negative);
      expect(p.direction).toMatch(/^higher = /);
    }
  });
});

describe('promptPreset', () => {
  it('finds every id and rejects unknown ones with the list', () => {
    for (const id of PROMPT_PRESET_IDS) expect(promptPreset(id).id).toBe(id);
    expect(() => promptPreset('vibe')).toThrow(/unknown prompt preset 'vibe'.*technical/);
  });
});

describe('customPromptPair', () => {
  it('trims and rejects empty or identical prompts', () => {
    expect(customPromptPair(' Crisp photo. ', 'Soft photo.')).toMatchObject({ positive: 'Crisp photo.', negative: 'Soft photo.' });
    expect(() => customPromptPair('', 'x')).toThrow(/non-empty/);
    expect(() => customPromptPair('x', ' x ')).toThrow(/same prompt twice/);
  });
});
