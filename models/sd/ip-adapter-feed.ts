/**
 * What the samplers do with a MODEL's IP-Adapter patch (`SdModel.ipAdapter`, produced by DPAdapterApply): pick the
 * IP-capable UNet, append the image tokens after the text tokens of each side, and feed `ipadapter_scale` per step.
 * The patch producer only fills `IpAdapterPatch`; everything below is the consumer's job.
 *
 * The start/end window follows ComfyUI IPAdapter_plus: fractions of the schedule are turned into σ bounds with
 * ComfyUI's `percent_to_sigma`, and the adapter is on for a step whose σ lies in [σ_end, σ_start].
 */
import { sigmaFromT, type ModelSamplingInfo } from '../sampling/sigmas.js';
import type { FloatTensor } from '../tensors.js';
import type { IpAdapterPatch, SdModel } from './types.js';

/** Image tokens per side appended to the context (4 for the base SD1.5 adapter). */
export const IP_TOKENS = 4;

/** ComfyUI `ModelSamplingDiscrete.percent_to_sigma`: 0 → above every σ, 1 → 0, else σ((1 − p)·(T−1)). */
export function percentToSigma(ms: ModelSamplingInfo, percent: number): number {
  if (percent <= 0) return Number.POSITIVE_INFINITY;
  if (percent >= 1) return 0;
  return sigmaFromT(ms, (1 - percent) * (ms.sigmas.length - 1));
}

/** The σ range where a patch is active. */
export interface IpSigmaWindow {
  readonly sigmaStart: number;
  readonly sigmaEnd: number;
}

/** The σ window of a patch's [startAt, endAt] (fractions 0 … 1 of the schedule). */
export function ipSigmaWindow(ms: ModelSamplingInfo, patch: Pick<IpAdapterPatch, 'startAt' | 'endAt'>): IpSigmaWindow {
  if (!(patch.startAt >= 0 && patch.startAt <= 1 && patch.endAt >= 0 && patch.endAt <= 1)) {
    throw new Error(`IP-Adapter: startAt ${patch.startAt} and endAt ${patch.endAt} must lie in 0 … 1`);
  }
  return { sigmaStart: percentToSigma(ms, patch.startAt), sigmaEnd: percentToSigma(ms, patch.endAt) };
}

/**
 * The `ipadapter_scale` vector for a step at σ: inside the window `layerScales` (or `weight` in every slot), 0
 * outside.
 */
export function ipScaleAt(o: { weight: number; layerScales?: readonly number[]; window: IpSigmaWindow; sigma: number; length: number }): Float32Array {
  const on = o.sigma <= o.window.sigmaStart && o.sigma >= o.window.sigmaEnd;
  if (o.layerScales && o.layerScales.length !== o.length) {
    throw new Error(`IP-Adapter: ${o.layerScales.length} layer scales for a UNet with ${o.length} IP layers`);
  }
  if (!on) return new Float32Array(o.length);
  return o.layerScales ? Float32Array.from(o.layerScales) : new Float32Array(o.length).fill(o.weight);
}

/**
 * The IP-capable UNet of a patched MODEL.
 * @throws when the checkpoint has none, naming how to make one
 */
export function ipUnetPathOf(model: SdModel): string {
  if (model.ipUnetPath) return model.ipUnetPath;
  throw new Error(
    `MODEL "${model.key}" carries an IP-Adapter patch but its checkpoint has no IP-capable UNet (unet_ip/model.onnx). ` +
      'IP-Adapter lives inside the UNet cross-attention, so ONNX needs a UNet exported with it built in: use ' +
      "StreamDiffusion's UNet+IP-Adapter ONNX export (encoder_hidden_states [B, 77+4, 768] with the image tokens last, " +
      'ipadapter_scale float32 [16]) and save it as <checkpoint>/unet_ip/model.onnx.',
  );
}

/**
 * Appends image tokens to a context: [B, S, D] + [1 or B, T, D] → [B, S+T, D]. A single token row is shared by
 * every image of the batch.
 */
export function appendTokens(context: FloatTensor, tokens: FloatTensor): FloatTensor {
  const [b, s, d] = context.dims as [number, number, number];
  const [tb, t, td] = tokens.dims as [number, number, number];
  if (context.dims.length !== 3 || tokens.dims.length !== 3 || td !== d || (tb !== 1 && tb !== b)) {
    throw new Error(`IP-Adapter: cannot append image tokens [${tokens.dims.join(',')}] to a context [${context.dims.join(',')}] (expected [1 or ${b}, ${IP_TOKENS}, ${d}])`);
  }
  const out = new Float32Array(b * (s + t) * d);
  for (let i = 0; i < b; i++) {
    out.set(context.data.subarray(i * s * d, (i + 1) * s * d), i * (s + t) * d);
    const row = tb === 1 ? 0 : i;
    out.set(tokens.data.subarray(row * t * d, (row + 1) * t * d), (i * (s + t) + s) * d);
  }
  return { data: out, dims: [b, s + t, d] };
}
