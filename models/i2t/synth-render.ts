/**
 * Building blocks of the synthetic data generators: a seeded RNG, random shape scenes drawn as SVG, their
 * semantic captions, and the controlled degradations (blur, brightness, contrast, Gaussian noise, JPEG) applied
 * with sharp. Everything is a pure function of its inputs and seeds, so generated sets are reproducible.
 */

import indefinite from 'indefinite';
import pluralize from 'pluralize';
import sharp from 'sharp';

/** A seeded uniform RNG in [0, 1) (mulberry32: tiny, fast, good enough for test data). */
export interface Rng {
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** A standard normal draw (Box–Muller). */
  gaussian(): number;
}

/** Creates an {@link Rng} from a 32-bit seed; equal seeds give equal streams. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    pick: (items) => items[int(items.length)]!,
    gaussian: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
  };
}

/** Mixes a seed and an index into a new 32-bit seed, so per-image streams do not depend on generation order. */
export function deriveSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}

/** Shapes a scene can hold. */
export const SHAPES = ['circle', 'square', 'triangle', 'star', 'diamond', 'hexagon', 'cross', 'ring'] as const;
/** Shape colours with their sRGB fill. Plain colour names stay out of the perceptual vocabulary on purpose. */
export const COLORS = {
  red: '#d62828', green: '#2a9d3f', blue: '#1d4ed8', yellow: '#f4d03f',
  purple: '#7b2cbf', orange: '#f77f00', white: '#f5f5f5', black: '#151515',
} as const;
/** Background colours. */
export const BACKGROUNDS = { gray: '#808080', beige: '#d9c9a3', navy: '#1b2a4a', teal: '#2a7f7f', pink: '#e8a3b8' } as const;
/** Where a single shape sits. */
export const POSITIONS = ['center', 'left', 'right', 'top', 'bottom'] as const;

/** What a synthetic image shows: the semantic ground truth. */
export interface Scene {
  readonly shape: (typeof SHAPES)[number];
  readonly color: keyof typeof COLORS;
  readonly background: keyof typeof BACKGROUNDS;
  /** 1 to 3 shapes; more than one are laid out in a row. */
  readonly count: number;
  /** Position of a single shape ('center' when count > 1). */
  readonly position: (typeof POSITIONS)[number];
}

const MIN_LUMINANCE_GAP = 0.2;

/** Rec. 709 relative luminance of a '#rrggbb' colour, on gamma-encoded values (good enough to rank). */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Draws a random scene; shape and background colours always differ clearly in luminance. */
export function randomScene(rng: Rng): Scene {
  const shape = rng.pick(SHAPES);
  const color = rng.pick(Object.keys(COLORS) as (keyof typeof COLORS)[]);
  // Only backgrounds that differ enough in luminance, so the shape survives low contrast and dark exposure.
  const readable = (Object.keys(BACKGROUNDS) as (keyof typeof BACKGROUNDS)[]).filter(
    (b) => Math.abs(luminance(BACKGROUNDS[b]) - luminance(COLORS[color])) >= MIN_LUMINANCE_GAP,
  );
  const background = rng.pick(readable);
  const count = 1 + rng.int(3);
  const position = count === 1 ? rng.pick(POSITIONS) : 'center';
  return { shape, color, background, count, position };
}

const NUMBER_WORDS = ['two', 'three'] as const;

/**
 * The semantic caption of a scene, e.g. "a photo of two red stars on a beige background", "a photo of an orange
 * square at the left …", "… three white crosses …". English articles and plurals come from the `indefinite` and
 * `pluralize` packages rather than string suffixes ("a orange", "crosss" were the result of those).
 */
export function semanticText(scene: Scene): string {
  const thing = `${scene.color} ${scene.count === 1 ? scene.shape : pluralize(scene.shape)}`;
  const counted = scene.count === 1 ? indefinite(thing) : `${NUMBER_WORDS[scene.count - 2]} ${thing}`;
  const where = scene.count === 1 && scene.position !== 'center' ? ` at the ${scene.position}` : ' in the middle';
  return `a photo of ${counted}${where} on ${indefinite(`${scene.background} background`)}`;
}

/** The scene as an SVG document of `size`×`size` pixels. */
export function sceneSvg(scene: Scene, size: number): string {
  const r = size * (scene.count === 1 ? 0.22 : 0.14);
  const centres = shapeCentres(scene, size);
  const fill = COLORS[scene.color];
  const body = centres.map(([x, y]) => shapeSvg(scene.shape, x, y, r, fill)).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">` +
    `<rect width="${size}" height="${size}" fill="${BACKGROUNDS[scene.background]}"/>${body}</svg>`;
}

function shapeCentres(scene: Scene, s: number): [number, number][] {
  if (scene.count > 1) return Array.from({ length: scene.count }, (_, i) => [(s * (i + 1)) / (scene.count + 1), s / 2]);
  const at = { center: [0.5, 0.5], left: [0.27, 0.5], right: [0.73, 0.5], top: [0.5, 0.27], bottom: [0.5, 0.73] };
  const [fx, fy] = at[scene.position];
  return [[fx! * s, fy! * s]];
}

function polygon(x: number, y: number, r: number, corners: number, rotation: number, inner?: number): string {
  const n = inner ? corners * 2 : corners;
  const pts = Array.from({ length: n }, (_, k) => {
    const rad = inner && k % 2 ? inner : r;
    const a = rotation + (2 * Math.PI * k) / n;
    return `${(x + rad * Math.cos(a)).toFixed(2)},${(y + rad * Math.sin(a)).toFixed(2)}`;
  });
  return pts.join(' ');
}

function shapeSvg(shape: Scene['shape'], x: number, y: number, r: number, fill: string): string {
  const up = -Math.PI / 2;
  switch (shape) {
    case 'circle': return `<circle cx="${x}" cy="${y}" r="${r}" fill="${fill}"/>`;
    case 'ring': return `<circle cx="${x}" cy="${y}" r="${r * 0.8}" fill="none" stroke="${fill}" stroke-width="${r * 0.4}"/>`;
    case 'square': return `<rect x="${x - r}" y="${y - r}" width="${2 * r}" height="${2 * r}" fill="${fill}"/>`;
    case 'triangle': return `<polygon points="${polygon(x, y, r * 1.15, 3, up)}" fill="${fill}"/>`;
    case 'star': return `<polygon points="${polygon(x, y, r * 1.2, 5, up, r * 0.5)}" fill="${fill}"/>`;
    case 'diamond': return `<polygon points="${polygon(x, y, r * 1.2, 4, up)}" fill="${fill}"/>`;
    case 'hexagon': return `<polygon points="${polygon(x, y, r * 1.1, 6, 0)}" fill="${fill}"/>`;
    case 'cross': {
      const w = r * 0.45;
      return `<rect x="${x - w}" y="${y - r}" width="${2 * w}" height="${2 * r}" fill="${fill}"/>` +
        `<rect x="${x - r}" y="${y - w}" width="${2 * r}" height="${2 * w}" fill="${fill}"/>`;
    }
  }
}

/** Controlled degradations, applied in this order: blur, contrast and brightness, noise, encoding. */
export interface Degradation {
  /** Gaussian blur sigma in pixels; 0 = none (sharp needs ≥ 0.3, smaller values count as none). */
  readonly blurSigma: number;
  /** Additive brightness in 0..1 units (−0.2 darkens by 20 % of full scale). */
  readonly brightness: number;
  /** Contrast gain around mid-grey: v' = (v − 0.5)·contrast + 0.5. 1 = unchanged. */
  readonly contrast: number;
  /** Std of additive Gaussian noise in 0..1 units, per channel. */
  readonly noiseStd: number;
  /** JPEG quality 1..100, or null to write a lossless PNG. */
  readonly jpegQuality: number | null;
}

/** Renders `scene` at `size` px with `degradation`; `noiseSeed` fixes the noise. Returns JPEG or PNG bytes. */
export async function renderDegraded(
  scene: Scene,
  degradation: Degradation,
  options: { readonly size: number; readonly noiseSeed: number },
): Promise<Buffer> {
  let img = sharp(Buffer.from(sceneSvg(scene, options.size))).removeAlpha();
  if (degradation.blurSigma >= 0.3) img = img.blur(degradation.blurSigma);
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  const rng = createRng(options.noiseSeed);
  const { contrast, brightness, noiseStd } = degradation;
  for (let i = 0; i < data.length; i++) {
    let v = (data[i]! / 255 - 0.5) * contrast + 0.5 + brightness;
    if (noiseStd > 0) v += noiseStd * rng.gaussian();
    data[i] = Math.round(Math.min(1, Math.max(0, v)) * 255);
  }
  const out = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  return degradation.jpegQuality === null ? out.png().toBuffer() : out.jpeg({ quality: degradation.jpegQuality }).toBuffer();
}

/** Runs `fn` over `items` with at most `limit` in flight (sharp work runs on libuv's thread pool). */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
