/**
 * Small seeded pseudo-random generators for model weights. Weights must be identical on every machine and every
 * run, so we do not use `Math.random`; mulberry32 is tiny, fast and good enough for test weights.
 */

/** A seeded stream of uniform numbers in [0, 1) plus standard normals. */
export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal (mean 0, std 1), Box-Muller. */
  normal(): number;
  /** Fills `out` with normals of the given std and mean: the bulk path, several times faster than `normal()`. */
  fillNormal(out: Float32Array, std: number, mean: number): void;
}

/** One mulberry32 step (Tommy Ettinger): returns the next state and a 32-bit output. */
function step(state: number): [number, number] {
  const a = (state + 0x6d2b79f5) >>> 0;
  let t = Math.imul(a ^ (a >>> 15), a | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return [a, (t ^ (t >>> 14)) >>> 0];
}

const INV_2_32 = 1 / 4294967296;

/** Creates a generator from a 32-bit integer seed (mulberry32: 32-bit state, period 2^32). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  let spare: number | undefined;
  const uniform = () => {
    const [next, out] = step(state);
    state = next;
    return out * INV_2_32;
  };
  return {
    uniform,
    normal() {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      // 1 - u keeps the log argument in (0, 1].
      const r = Math.sqrt(-2 * Math.log(1 - uniform()));
      const theta = 2 * Math.PI * uniform();
      spare = r * Math.sin(theta);
      return r * Math.cos(theta);
    },
    fillNormal(out, std, mean) {
      // Marsaglia's polar method with mulberry32 inlined: no sin/cos and no closure call per value, which
      // dominated the build time of 100M-weight benchmark models.
      let a = state;
      let i = 0;
      while (i < out.length) {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = Math.imul(a ^ (a >>> 15), a | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        const u = ((t ^ (t >>> 14)) >>> 0) * INV_2_32 * 2 - 1;
        a = (a + 0x6d2b79f5) >>> 0;
        t = Math.imul(a ^ (a >>> 15), a | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        const v = ((t ^ (t >>> 14)) >>> 0) * INV_2_32 * 2 - 1;
        const s = u * u + v * v;
        if (s >= 1 || s === 0) continue;
        const f = std * Math.sqrt((-2 * Math.log(s)) / s);
        out[i++] = mean + u * f;
        if (i < out.length) out[i++] = mean + v * f;
      }
      state = a;
    },
  };
}

/**
 * Derives an independent seed from a base seed and a label (FNV-1a over the label, mixed with the seed), so each
 * model part gets its own stream: building one part never shifts another part's weights.
 */
export function deriveSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A generator for `label` under `seed`; see {@link deriveSeed}. */
export function rngFor(seed: number, label: string): Rng {
  return createRng(deriveSeed(seed, label));
}

/** `n` normals with the given standard deviation (and mean), as float32. */
export function randomNormal(rng: Rng, n: number, std = 1, mean = 0): Float32Array {
  const out = new Float32Array(n);
  rng.fillNormal(out, std, mean);
  return out;
}
