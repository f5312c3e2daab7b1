import { describe, expect, it } from 'vitest';
import { Mt19937, TorchCpuGenerator } from '../../../models/sampling/torch-random.js';

/** Values printed by PyTorch to 4 decimals; our float32 values must round to them. */
function expectPrinted(actual: Float32Array, printed: readonly number[]): void {
  expect(actual.length).toBe(printed.length);
  expect(Array.from(actual, (v, i) => Math.abs(v - printed[i]!) <= 5.01e-5)).toEqual(printed.map(() => true));
}

describe('Mt19937', () => {
  it('matches the reference MT19937 outputs', () => {
    const g = new Mt19937(0);
    expect([g.nextUint32(), g.nextUint32(), g.nextUint32(), g.nextUint32()]).toEqual([
      2357136044, 2546248239, 3071714933, 3626093760,
    ]);
    const d = new Mt19937(5489);
    expect(d.nextUint32()).toBe(3499211612);
    for (let i = 1; i < 9999; i++) d.nextUint32();
    // The C++ standard's check value: the 10000th output of a default-seeded mt19937.
    expect(d.nextUint32()).toBe(4123659995);
  });
  it('seeds with the low 32 bits of a 64-bit seed, as at::mt19937 does', () => {
    const a = new Mt19937((1n << 40n) + 7n);
    const b = new Mt19937(7);
    expect(a.nextUint32()).toBe(b.nextUint32());
  });
});

describe('TorchCpuGenerator.randn', () => {
  it('torch.manual_seed(0); torch.randn(8) (scalar double path, n < 16)', () => {
    expectPrinted(new TorchCpuGenerator(0).randn(8), [1.541, -0.2934, -2.1788, 0.5684, -1.0845, -1.3986, 0.4033, 0.838]);
    expectPrinted(new TorchCpuGenerator(0).randn(12), [
      1.541, -0.2934, -2.1788, 0.5684, -1.0845, -1.3986, 0.4033, 0.838, -0.7193, -0.4033, -0.5966, 0.182,
    ]);
  });
  it('torch.manual_seed(0); torch.randn(4, 4) (vectorised float path, blocks of 16)', () => {
    expectPrinted(new TorchCpuGenerator(0).randn(16), [
      -1.1258, -1.1524, -0.2506, -0.4339, 0.8487, 0.692, -0.316, -2.1152, 0.3223, -1.2633, 0.35, 0.3081, 0.1198,
      1.2377, 1.1168, -0.2473,
    ]);
  });
  it('a stream of randn(10,4), randn(4,4), randn(10,4) after manual_seed(0), including the tail refill', () => {
    // Published output of X, W, Y = randn(10,4), randn(4,4), randn(10,4) after torch.manual_seed(0).
    const g = new TorchCpuGenerator(0n);
    expectPrinted(g.randn(40), [
      -1.1258, -1.1524, -0.2506, -0.4339, 0.8487, 0.692, -0.316, -2.1152, 0.3223, -1.2633, 0.35, 0.3081, 0.1198,
      1.2377, 1.1168, -0.2473, -1.3527, -1.6959, 0.5667, 0.7935, 0.5988, -1.5551, -0.3414, 1.853, -0.2159, -0.7425,
      0.5627, 0.2596, -0.174, -0.6787, 0.9383, 0.4889, 1.2032, 0.0845, -1.2001, -0.0048, -0.5181, -0.3067, -1.581,
      1.7066,
    ]);
    expectPrinted(g.randn(16), [
      0.2055, -0.4503, -0.5731, -0.5554, 0.5943, 1.5419, 0.5073, -0.591, -1.3253, 0.1886, -0.0691, -0.4949, -1.4959,
      -0.1938, 0.4455, 1.3253,
    ]);
    expectPrinted(g.randn(40).subarray(0, 8), [1.5091, 2.082, 1.7067, 2.3804, -1.1256, -0.317, -1.0925, -0.0852]);
  });
  it('is deterministic per seed and differs between seeds', () => {
    const a = new TorchCpuGenerator(42).randn(64);
    expect(Array.from(new TorchCpuGenerator(42).randn(64))).toEqual(Array.from(a));
    expect(Array.from(new TorchCpuGenerator(43).randn(64))).not.toEqual(Array.from(a));
  });
  it('rejects a bad size', () => {
    expect(() => new TorchCpuGenerator(0).randn(-1)).toThrow(/size/);
  });
});
