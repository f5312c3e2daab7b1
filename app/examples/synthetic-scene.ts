/**
 * A photo-like landscape painted from code: sky gradient with a sun and its glow, hazy mountains, textured green
 * hills, a lake with a soft reflection, a house and a tree, plus film grain. The example workflows need input
 * images (`example.png`, `example-degraded.png`) and the project ships no binary photos, so setup paints this one;
 * it has the structure IQA and img2img care about (edges, smooth areas, texture, colour) and is identical on every
 * machine (seeded mulberry32, no `Math.random`).
 */
import { createRng, type Rng } from '../../models/onnx-builder/prng.js';

/** An 8-bit RGB image, rows top to bottom, 3 bytes per pixel. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

type Rgb = readonly [number, number, number];

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
const clamp01 = (t: number) => (t < 0 ? 0 : t > 1 ? 1 : t);
const smooth = (e0: number, e1: number, x: number) => {
  const t = clamp01((x - e0) / (e1 - e0));
  return t * t * (3 - 2 * t);
};

/** Value noise in [0, 1): a random lattice, smoothly interpolated, summed over `octaves` octaves. */
function valueNoise(rng: Rng, size = 64): (x: number, y: number, octaves?: number) => number {
  const lattice = new Float32Array(size * size).map(() => rng.uniform());
  const at = (i: number, j: number) => lattice[(((j % size) + size) % size) * size + (((i % size) + size) % size)]!;
  const one = (x: number, y: number) => {
    const i = Math.floor(x);
    const j = Math.floor(y);
    const fx = smooth(0, 1, x - i);
    const fy = smooth(0, 1, y - j);
    const top = at(i, j) + (at(i + 1, j) - at(i, j)) * fx;
    const bottom = at(i, j + 1) + (at(i + 1, j + 1) - at(i, j + 1)) * fx;
    return top + (bottom - top) * fy;
  };
  return (x, y, octaves = 4) => {
    let sum = 0;
    let amp = 0.5;
    let norm = 0;
    for (let o = 0; o < octaves; o++, amp /= 2) {
      sum += amp * one(x * 2 ** o, y * 2 ** o);
      norm += amp;
    }
    return sum / norm;
  };
}

/** Layers of the scene, as functions of normalised coordinates (u right, v down, both 0..1). */
interface Scene {
  sky(u: number, v: number): Rgb;
  mountainTop(u: number): number;
  hillTop(u: number): number;
  readonly horizon: number;
}

function makeScene(noise: ReturnType<typeof valueNoise>): Scene {
  const sun = { u: 0.72, v: 0.28, r: 0.055 };
  return {
    horizon: 0.62,
    sky(u, v) {
      const base = mix([40, 86, 168], [250, 196, 150], smooth(0.0, 0.62, v));
      const d = Math.hypot((u - sun.u) * 1.33, v - sun.v);
      const glow = Math.exp(-d * 9) * 0.8;
      const disc = 1 - smooth(sun.r * 0.9, sun.r, d);
      const cloud = smooth(0.55, 0.8, noise(u * 6, v * 14, 5)) * (1 - smooth(0.3, 0.55, v));
      const lit = mix(base, [255, 236, 200], clamp01(glow + disc));
      return mix(lit, [245, 240, 236], cloud * 0.7);
    },
    mountainTop: (u) => 0.44 + 0.06 * Math.sin(u * 7.1 + 1.3) + 0.035 * Math.sin(u * 17.3) + 0.04 * (noise(u * 9, 3.5, 3) - 0.5),
    hillTop: (u) => 0.56 + 0.04 * Math.sin(u * 4.2 + 0.4) + 0.02 * (noise(u * 14, 7.5, 3) - 0.5),
  };
}

/** The colour of one pixel without the house, tree or grain. */
function landscape(s: Scene, noise: ReturnType<typeof valueNoise>, u: number, v: number): Rgb {
  const lake = v > s.horizon + 0.08 && v < 0.86 && Math.abs(u - 0.3) < 0.26 - (v - s.horizon) * 0.3;
  if (lake) {
    // The reflection: the sky mirrored about the horizon, darkened and rippled.
    const ripple = 0.01 * Math.sin(v * 220 + noise(u * 30, v * 30, 2) * 6);
    return mix(s.sky(u + ripple, 2 * s.horizon - v), [28, 72, 118], 0.55);
  }
  if (v < s.mountainTop(u)) return s.sky(u, v);
  if (v < s.hillTop(u)) {
    const rock = noise(u * 40, v * 40, 4);
    return mix(mix([92, 104, 134], [60, 70, 96], rock), [215, 190, 175], 0.35 * (1 - smooth(0.4, 0.6, v)));
  }
  const grass = noise(u * 60, v * 90, 5);
  const shade = smooth(s.hillTop(u), 1, v);
  return mix(mix([104, 150, 62], [56, 100, 38], grass), [34, 62, 26], shade * 0.6);
}

/** The house and the tree over the landscape, or undefined where neither is. */
function objects(noise: ReturnType<typeof valueNoise>, u: number, v: number): Rgb | undefined {
  // House: walls, a roof triangle, a lit window.
  if (u > 0.62 && u < 0.78 && v > 0.66 && v < 0.8) {
    if (u > 0.665 && u < 0.705 && v > 0.69 && v < 0.73) return [250, 214, 120];
    if (u > 0.72 && u < 0.75 && v > 0.72) return [90, 56, 36];
    return mix([214, 200, 178], [170, 154, 132], noise(u * 80, v * 80, 2));
  }
  if (v > 0.58 && v <= 0.66 && Math.abs(u - 0.7) < (v - 0.58) * 1.3) return mix([150, 48, 36], [110, 32, 26], noise(u * 50, v * 120, 2));
  // Tree: trunk and a lumpy canopy.
  if (u > 0.865 && u < 0.885 && v > 0.6 && v < 0.78) return [74, 50, 32];
  const canopy = Math.hypot(u - 0.875, (v - 0.54) * 1.2) + 0.03 * (noise(u * 30, v * 30, 3) - 0.5);
  if (canopy < 0.07) return mix([46, 100, 40], [20, 58, 22], noise(u * 70, v * 70, 4) * 0.7 + canopy * 4);
  return undefined;
}

/**
 * Paints the scene at `width`×`height`. Deterministic for a given size and seed.
 * @param seed texture and grain seed (default 2024)
 */
export function paintSyntheticScene(width: number, height: number, seed = 2024): RgbImage {
  const rng = createRng(seed);
  const noise = valueNoise(rng);
  const scene = makeScene(noise);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = (x + 0.5) / width;
      const v = (y + 0.5) / height;
      const c = objects(noise, u, v) ?? landscape(scene, noise, u, v);
      const grain = (rng.uniform() - 0.5) * 6;
      for (let k = 0; k < 3; k++) data[(y * width + x) * 3 + k] = Math.max(0, Math.min(255, Math.round(c[k]! + grain)));
    }
  }
  return { width, height, data };
}
