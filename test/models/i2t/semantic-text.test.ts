import { describe, expect, it } from 'vitest';
import { BACKGROUNDS, COLORS, POSITIONS, SHAPES, semanticText, type Scene } from '../../../models/i2t/synth-render.js';

const scene = (s: Partial<Scene>): Scene => ({ shape: 'circle', color: 'red', background: 'gray', count: 1, position: 'center', ...s });

describe('semanticText', () => {
  it('uses English articles and plurals', () => {
    expect(semanticText(scene({ shape: 'square', color: 'orange', position: 'left' }))).toBe('a photo of an orange square at the left on a gray background');
    expect(semanticText(scene({ shape: 'cross', color: 'white', count: 3 }))).toBe('a photo of three white crosses in the middle on a gray background');
    expect(semanticText(scene({ shape: 'star', color: 'red', count: 2, background: 'beige' }))).toBe('a photo of two red stars in the middle on a beige background');
    expect(semanticText(scene({ shape: 'hexagon', color: 'yellow' }))).toBe('a photo of a yellow hexagon in the middle on a gray background');
  });

  it('never writes "a" before a vowel, a tripled consonant, or a bare "s" after a sibilant, for any scene', () => {
    for (const shape of SHAPES) for (const color of Object.keys(COLORS) as Scene['color'][]) {
      for (const background of Object.keys(BACKGROUNDS) as Scene['background'][]) for (const count of [1, 2, 3]) {
        for (const position of POSITIONS) {
          const t = semanticText({ shape, color, background, count, position });
          expect(t).not.toMatch(/\ba [aeiou]|\ban [^aeiou]|(\w)\1\1|xs\b|chs\b|shs\b/);
          if (count > 1) expect(t).toMatch(count === 2 ? / two \w+ \w+s / : / three \w+ \w+s /);
        }
      }
    }
  });
});
