/**
 * The two DeCLIP projectors (docs/declip-iqa.md) as one ONNX graph, so they run on onnxruntime like every other model:
 * ResMLP(x) = x + W2·SiLU(W1·x + b1), with W1 [h,d], b1 [h], W2 [d,h] in PyTorch [out, in] layout (the projector
 * safetensors format, docs/model-folders.md). Graph: `image_embeds` f32 [batch, d] → `raw` (f_I, unchanged), `perceptual`
 * (f_I(p)) and `semantic` (f_I(s)), each f32 [batch, d].
 */
import { GraphBuilder } from '../onnx-builder/graph-builder.js';

/** One projector branch's weights, float32 row-major. */
export interface ProjectorBranch {
  /** W1 [h, d]. */
  readonly fc1Weight: Float32Array;
  /** b1 [h]. */
  readonly fc1Bias: Float32Array;
  /** W2 [d, h] (bias-free). */
  readonly fc2Weight: Float32Array;
}

/** Both branches plus their sizes. */
export interface ProjectorWeights {
  /** CLIP embedding width d. */
  readonly embedDim: number;
  /** Hidden width h (1024 in the paper). */
  readonly hiddenDim: number;
  readonly perceptual: ProjectorBranch;
  readonly semantic: ProjectorBranch;
}

/** The branch names, in file order. */
export const PROJECTOR_BRANCHES = ['perceptual', 'semantic'] as const;

/**
 * Zero-initialised projectors: W2 = 0, so both branches return their input exactly and DeCLIP equals CLIP
 * (docs/declip-iqa.md). W1 and b1 are zero too; with W2 = 0 their values cannot reach the output. `hiddenDim` defaults to 1
 * because nothing is learned here and a wider hidden layer would only cost time.
 */
export function zeroInitProjectors(embedDim: number, hiddenDim = 1): ProjectorWeights {
  const branch = (): ProjectorBranch => ({
    fc1Weight: new Float32Array(hiddenDim * embedDim),
    fc1Bias: new Float32Array(hiddenDim),
    fc2Weight: new Float32Array(embedDim * hiddenDim),
  });
  return { embedDim, hiddenDim, perceptual: branch(), semantic: branch() };
}

/**
 * Checks every tensor's length against d and h.
 * @throws Error naming the branch and tensor whose size is wrong
 */
export function checkProjectorWeights(w: ProjectorWeights): void {
  const { embedDim: d, hiddenDim: h } = w;
  if (!Number.isInteger(d) || d < 1 || !Number.isInteger(h) || h < 1) throw new Error(`projector sizes must be positive integers, got d=${d}, h=${h}`);
  for (const name of PROJECTOR_BRANCHES) {
    const b = w[name];
    const expect: [string, Float32Array, number][] = [
      ['fc1.weight', b.fc1Weight, h * d], ['fc1.bias', b.fc1Bias, h], ['fc2.weight', b.fc2Weight, d * h],
    ];
    for (const [part, data, n] of expect) {
      if (data.length !== n) throw new Error(`${name}.${part} has ${data.length} values, expected ${n} (d=${d}, h=${h})`);
    }
  }
}

/** Adds one ResMLP branch: x + Gemm(SiLU(Gemm(x, W1ᵀ) + b1), W2ᵀ). */
function resMlp(b: GraphBuilder, x: string, w: ProjectorBranch, sizes: { d: number; h: number; name: string }): string {
  const w1 = b.floatInit(w.fc1Weight, [sizes.h, sizes.d], `${sizes.name}.fc1.weight`);
  const b1 = b.floatInit(w.fc1Bias, [sizes.h], `${sizes.name}.fc1.bias`);
  const w2 = b.floatInit(w.fc2Weight, [sizes.d, sizes.h], `${sizes.name}.fc2.weight`);
  // Gemm with transB = 1 reads the PyTorch [out, in] layout as stored, so no weight is transposed on the host.
  const hidden = b.silu(b.op('Gemm', [x, w1, b1], { transB: 1 }));
  return b.add(x, b.op('Gemm', [hidden, w2], { transB: 1 }));
}

/**
 * Serialised ONNX model of both projectors (opset 17, float32).
 * @throws Error when a tensor's size does not match d and h
 */
export function buildProjectorGraph(w: ProjectorWeights): Uint8Array {
  checkProjectorWeights(w);
  const { embedDim: d, hiddenDim: h } = w;
  const b = new GraphBuilder({ name: 'declip_projectors' });
  const x = b.input('image_embeds', 'float32', ['batch', d]);
  b.output('raw', x, 'float32', ['batch', d]);
  for (const name of PROJECTOR_BRANCHES) {
    b.output(name, resMlp(b, x, w[name], { d, h, name }), 'float32', ['batch', d]);
  }
  return b.toBytes();
}
