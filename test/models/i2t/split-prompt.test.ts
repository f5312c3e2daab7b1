import { describe, expect, it } from 'vitest';
import { splitPerceptualSemantic } from '../../../models/i2t/split-prompt.js';
import { createVocabulary } from '../../../models/vocab/vocabulary.js';

describe('splitPerceptualSemantic', () => {
  it('splits the example from the issue', () => {
    const r = splitPerceptualSemantic('a dreamy, soft-lit photo of a street lamp');
    expect(r.perceptual).toBe('dreamy, soft-lit');
    expect(r.semantic).toBe('a photo of a street lamp');
  });

  it('handles trailing perceptual lists and dangling prepositions', () => {
    expect(splitPerceptualSemantic('a photo of a street lamp, dreamy, soft-lit')).toMatchObject({
      perceptual: 'dreamy, soft-lit',
      semantic: 'a photo of a street lamp',
    });
    expect(splitPerceptualSemantic('portrait of an old fisherman with shallow depth of field').semantic)
      .toBe('portrait of an old fisherman');
  });

  it('keeps semantic commas and punctuation tidy', () => {
    const r = splitPerceptualSemantic('a cat, a dog and a bird, vibrant, high-contrast.');
    expect(r.perceptual).toBe('vibrant, high-contrast');
    expect(r.semantic).toBe('a cat, a dog and a bird.');
  });

  it('leaves a purely semantic prompt untouched and gives an empty perceptual part', () => {
    expect(splitPerceptualSemantic('a red car parked on a street')).toEqual({
      perceptual: '',
      semantic: 'a red car parked on a street',
      matches: [],
    });
  });

  it('gives an empty semantic part for a purely perceptual prompt', () => {
    expect(splitPerceptualSemantic('moody, grainy, low-key')).toMatchObject({ perceptual: 'moody, grainy, low-key', semantic: '' });
  });

  it('uses the vocabulary it is given', () => {
    const v = createVocabulary(['lamp']);
    expect(splitPerceptualSemantic('a dreamy lamp', v)).toMatchObject({ perceptual: 'lamp', semantic: 'a dreamy' });
  });
});
