/**
 * Reads DeCLIP projector weights (docs/model-folders.md: `{perceptual,semantic}.fc1.weight [h,d]`, `.fc1.bias [h]`,
 * `.fc2.weight [d,h]`) from a safetensors file into {@link ProjectorWeights}. F16/BF16 files are widened to float32.
 */
import { openSafetensors } from '../safetensors/read.js';
import { PROJECTOR_BRANCHES, checkProjectorWeights, type ProjectorBranch, type ProjectorWeights } from './projector-graph.js';

/**
 * Reads both projector branches.
 * @throws Error naming the file and the tensor that is missing or has the wrong shape
 */
export async function readProjectorWeights(file: string): Promise<ProjectorWeights> {
  const st = await openSafetensors(file);
  try {
    const fc1 = st.tensors['perceptual.fc1.weight'];
    if (!fc1 || fc1.shape.length !== 2) {
      throw new Error(`${file}: missing tensor perceptual.fc1.weight [h,d]; not a DeCLIP projector file`);
    }
    const [hiddenDim, embedDim] = fc1.shape as [number, number];
    const read = async (name: string, shape: readonly number[]): Promise<Float32Array> => {
      const info = st.tensors[name];
      if (!info) throw new Error(`${file}: missing tensor ${name} [${shape}]`);
      if (info.shape.join(',') !== shape.join(',')) throw new Error(`${file}: ${name} is [${info.shape}], expected [${shape}]`);
      return st.read(name);
    };
    const branch = async (name: string): Promise<ProjectorBranch> => ({
      fc1Weight: await read(`${name}.fc1.weight`, [hiddenDim, embedDim]),
      fc1Bias: await read(`${name}.fc1.bias`, [hiddenDim]),
      fc2Weight: await read(`${name}.fc2.weight`, [embedDim, hiddenDim]),
    });
    const [perceptual, semantic] = await Promise.all(PROJECTOR_BRANCHES.map(branch)) as [ProjectorBranch, ProjectorBranch];
    const weights = { embedDim, hiddenDim, perceptual, semantic };
    checkProjectorWeights(weights);
    return weights;
  } finally {
    await st.close();
  }
}
