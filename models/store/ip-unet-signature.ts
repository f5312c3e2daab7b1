/**
 * Checks that a loaded `unet_ip/model.onnx` has the IP-capable signature (docs/model-folders.md, StreamDiffusion's exporter):
 * `encoder_hidden_states` [B, 77+4, 768] whose last 4 rows are image tokens, and a float `ipadapter_scale` [16].
 * The store cannot see inputs without loading the model, so loaders call this with the session's metadata.
 */
import type { TensorMeta } from '../onnx/tensor-types.js';

/** Scale input names seen in exports: ours/StreamDiffusion's first. */
export const IP_SCALE_INPUT_NAMES = ['ipadapter_scale', 'ip_adapter_scale'] as const;

/** The IP UNet's extra input, or every reason the model is not IP-capable. */
export type IpUnetSignature =
  | { readonly ok: true; readonly scaleInput: string; readonly scaleLayers: number | undefined }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Inspects an IP UNet's inputs; `file` only labels the messages. */
export function checkIpUnetSignature(file: string, inputs: readonly TensorMeta[]): IpUnetSignature {
  const problems: string[] = [];
  const ehs = inputs.find((m) => m.name === 'encoder_hidden_states');
  if (!ehs) problems.push(`${file} has no encoder_hidden_states input`);
  else if (ehs.shape.length !== 3) problems.push(`${file}: encoder_hidden_states is [${ehs.shape.join(',')}], expected [batch, 77+4, 768]`);
  else if (typeof ehs.shape[1] === 'number' && ehs.shape[1] !== 81) {
    problems.push(`${file}: encoder_hidden_states has ${ehs.shape[1]} tokens, expected 77 text + 4 image = 81 (or a dynamic axis)`);
  }
  const scale = inputs.find((m) => (IP_SCALE_INPUT_NAMES as readonly string[]).includes(m.name));
  if (!scale) {
    problems.push(`${file} has no ${IP_SCALE_INPUT_NAMES.join(' / ')} input; inputs are ${inputs.map((m) => m.name).join(', ')}`);
  } else if (scale.type !== 'float32' && scale.type !== 'float16') {
    problems.push(`${file}: ${scale.name} is ${scale.type}, expected float32 [16]`);
  }
  if (problems.length > 0 || !scale) return { ok: false, problems };
  const layers = scale.shape.length === 1 && typeof scale.shape[0] === 'number' ? scale.shape[0] : undefined;
  return { ok: true, scaleInput: scale.name, scaleLayers: layers };
}
