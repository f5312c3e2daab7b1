/**
 * The inputs IPAdapter and IPAdapterAdvanced share, with ComfyUI_IPAdapter_plus's names, ranges and defaults, and
 * the validation of the choices our IP UNet cannot run (docs/ip-adapter-nodes.md).
 */
import { float, socket } from '../../server/engine/inputs.js';
import { EMBEDS_SCALINGS, ipScaling, layerWeights, weightTypeProblem } from '../../models/ip-adapter/weight-types.js';
import { IMAGE, IPADAPTER, MODEL } from '../socket-types.js';

export const modelInput = socket(MODEL, { tooltip: 'An SD1.5 MODEL (CheckpointLoaderSimple); the IP UNet is built from it and the adapter.' });
export const ipadapterInput = socket(IPADAPTER, { tooltip: 'From IPAdapterModelLoader (base ip-adapter_sd15).' });
export const imageInput = socket(IMAGE, { tooltip: 'The reference image(s).' });

/** IPAdapter_plus's weight: −1 … `max` (3 on IPAdapter, 5 on IPAdapterAdvanced). */
export function weightInput(max: number) {
  return float({ default: 1.0, min: -1, max, step: 0.05, tooltip: 'Strength of the image attention; 0 gives the model without the adapter.' });
}
export const startAtInput = float({ default: 0.0, min: 0.0, max: 1.0, step: 0.001, tooltip: 'Fraction of the schedule where the adapter starts.' });
export const endAtInput = float({ default: 1.0, min: 0.0, max: 1.0, step: 0.001, tooltip: 'Fraction of the schedule where the adapter stops.' });

/**
 * Why a weight_type / embeds_scaling pair cannot run, or true. Checked at validation so the prompt is refused with
 * per-node errors before anything runs; membership is checked here too, as the node owns these inputs.
 */
export function checkScaling(weightType: string | undefined, embedsScaling: string | undefined): true | string {
  if (weightType !== undefined) {
    const problem = weightTypeProblem(weightType);
    if (problem) return problem;
  }
  if (embedsScaling !== undefined && !(EMBEDS_SCALINGS as readonly string[]).includes(embedsScaling)) {
    return `unknown embeds_scaling "${embedsScaling}" (expected one of: ${EMBEDS_SCALINGS.join(', ')})`;
  }
  try {
    // The weight does not change which pairs work (only 0 vs not), so 1 stands for any.
    if (weightType !== undefined && embedsScaling !== undefined) ipScaling(layerWeights(weightType, 1), embedsScaling);
  } catch (e) {
    return (e as Error).message;
  }
  return true;
}
