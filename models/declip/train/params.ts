/**
 * The trainable DeCLIP projector parameters and their names, which are the tensor names of the projector
 * safetensors format (docs/model-folders.md): `<head>.fc1.weight` [h,d], `<head>.fc1.bias` [h], `<head>.fc2.weight` [d,h]
 * for head ∈ {perceptual, semantic}.
 */
import { createRng, deriveSeed } from '../../onnx-builder/prng.js';

/** The two heads, in file order. */
export const HEADS = ['perceptual', 'semantic'] as const;
/** A head name. */
export type HeadName = (typeof HEADS)[number];

/** Parameter suffixes of one head. */
export const PARAM_SUFFIXES = ['fc1.weight', 'fc1.bias', 'fc2.weight'] as const;

/** Projector sizes: d = CLIP embedding width, h = hidden width (1024 in the paper). */
export interface ProjectorShape {
  readonly embedDim: number;
  readonly hiddenDim: number;
}

/** Every parameter by its full tensor name; float32, row-major in the shapes of {@link paramDims}. */
export type ProjectorParams = Record<string, Float32Array>;

/** All six parameter names, heads in {@link HEADS} order. */
export function paramNames(): string[] {
  return HEADS.flatMap((h) => PARAM_SUFFIXES.map((s) => `${h}.${s}`));
}

/** Dims of a parameter: fc1.weight [h,d], fc1.bias [h], fc2.weight [d,h]. */
export function paramDims(name: string, shape: ProjectorShape): number[] {
  const { embedDim: d, hiddenDim: h } = shape;
  if (name.endsWith('.fc1.weight')) return [h, d];
  if (name.endsWith('.fc1.bias')) return [h];
  if (name.endsWith('.fc2.weight')) return [d, h];
  throw new Error(`unknown DeCLIP projector parameter '${name}'`);
}

/**
 * Fresh parameters: W1 and b1 drawn U(−1/√d, 1/√d) as PyTorch's nn.Linear does, W2 zero (the paper's init, so
 * the untrained model is exactly CLIP). Each head draws from its own stream of `seed`.
 */
export function initProjectorParams(shape: ProjectorShape, seed: number): ProjectorParams {
  const params: ProjectorParams = {};
  const bound = 1 / Math.sqrt(shape.embedDim);
  for (const head of HEADS) {
    const rng = createRng(deriveSeed(seed, `declip-train.${head}`));
    const uniform = (n: number) => Float32Array.from({ length: n }, () => (2 * rng.uniform() - 1) * bound);
    params[`${head}.fc1.weight`] = uniform(shape.hiddenDim * shape.embedDim);
    params[`${head}.fc1.bias`] = uniform(shape.hiddenDim);
    params[`${head}.fc2.weight`] = new Float32Array(shape.embedDim * shape.hiddenDim);
  }
  return params;
}

/** Zeros shaped like every parameter (AdamW moments). */
export function zerosLike(params: ProjectorParams): ProjectorParams {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, new Float32Array(v.length)]));
}

/** Throws naming the parameter when one is missing or has the wrong number of values for `shape`. */
export function checkParams(params: ProjectorParams, shape: ProjectorShape, source: string): void {
  for (const name of paramNames()) {
    const data = params[name];
    const dims = paramDims(name, shape);
    const want = dims.reduce((a, b) => a * b, 1);
    if (!data) throw new Error(`${source}: parameter '${name}' is missing`);
    if (data.length !== want) throw new Error(`${source}: parameter '${name}' has ${data.length} values, expected [${dims}] = ${want}`);
  }
}
