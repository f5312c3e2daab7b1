import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed, randomNormal, rngFor } from '../../../models/onnx-builder/prng.js';

describe('createRng', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xs = [a.uniform(), a.uniform(), a.normal()];
    expect([b.uniform(), b.uniform(), b.normal()]).toEqual(xs);
    expect(c.uniform()).not.toBe(xs[0]);
  });

  it('gives uniforms in [0,1) and standard normals', () => {
    const r = createRng(1);
    const u = Array.from({ length: 20000 }, () => r.uniform());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    const n = randomNormal(createRng(2), 20000);
    const mean = n.reduce((s, v) => s + v, 0) / n.length;
    const std = Math.sqrt(n.reduce((s, v) => s + (v - mean) ** 2, 0) / n.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(std - 1)).toBeLessThan(0.03);
  });
});

describe('deriveSeed / rngFor', () => {
  it('gives independent, stable streams per label', () => {
    expect(deriveSeed(1, 'vision')).toBe(deriveSeed(1, 'vision'));
    expect(deriveSeed(1, 'vision')).not.toBe(deriveSeed(1, 'text'));
    expect(deriveSeed(1, 'vision')).not.toBe(deriveSeed(2, 'vision'));
    expect(rngFor(3, 'x').uniform()).toBe(rngFor(3, 'x').uniform());
  });
});

describe('randomNormal', () => {
  it('applies std and mean', () => {
    const n = randomNormal(createRng(5), 20000, 0.5, 3);
    const mean = n.reduce((s, v) => s + v, 0) / n.length;
    expect(Math.abs(mean - 3)).toBeLessThan(0.02);
  });
});
