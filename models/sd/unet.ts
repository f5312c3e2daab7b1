/**
 * The SD1.5 UNet as the samplers call it: ε = unet(sample, timestep, encoder_hidden_states[, ipadapter_scale]).
 * Exports differ (docs/model-folders.md): timestep int64 [1], float32 [1], float16 [1] or a rank-0 float; the session
 * pool casts our float [1] timestep to whatever `inputMetadata` declares (float → int by truncation, as numpy's
 * `astype` in diffusers). Some exports fix the batch axis; {@link SdUnet.acceptsBatch} tells the CFG code whether
 * it may stack uncond and cond into one call, and `predict` splits a batch that a fixed-batch export cannot take.
 */
import type { ModelSession } from '../onnx/model-session.js';
import { floatOutput } from '../onnx/tensor-types.js';
import { checkIpUnetSignature } from '../store/ip-unet-signature.js';
import { sliceBatch, sizeOf, concatBatch, type FloatTensor } from '../tensors.js';
import { fixedDim, requireInput, type SessionSource } from './sessions.js';

/** One UNet evaluation. */
export interface UnetCall {
  /** Scaled model input x/√(σ²+1), [N, 4, h, w]. */
  readonly sample: FloatTensor;
  /** Discrete timestep 0 … T−1 (one value for the whole batch, fed as [1]). */
  readonly timestep: number;
  /** Text (and IP) token embeddings, [N, S, 768]. */
  readonly context: FloatTensor;
  /** Per-layer IP-Adapter scales (IP UNet only), e.g. 16 values. */
  readonly ipScale?: Float32Array;
  readonly signal?: AbortSignal;
}

/** A loaded UNet session plus what its signature allows. */
export class SdUnet {
  /** Fixed batch size of the export, or undefined when the batch axis is dynamic. */
  readonly fixedBatch: number | undefined;
  /** Name of the IP scale input (`ipadapter_scale`), when this is an IP-capable UNet. */
  readonly ipScaleInput: string | undefined;
  /** Length of the IP scale vector (16 for SD1.5). */
  readonly ipScaleLength: number;

  private constructor(readonly session: ModelSession) {
    requireInput(session, 'sample', 'UNet');
    requireInput(session, 'timestep', 'UNet');
    requireInput(session, 'encoder_hidden_states', 'UNet');
    const sample = fixedDim(session.input('sample'), 0);
    const ehs = fixedDim(session.input('encoder_hidden_states'), 0);
    this.fixedBatch = sample ?? ehs;
    const ip = checkIpUnetSignature(session.file, session.inputs);
    this.ipScaleInput = ip.ok ? ip.scaleInput : undefined;
    this.ipScaleLength = ip.ok ? (ip.scaleLayers ?? 16) : 0;
  }

  /** Loads (or reuses) the session for `file`. */
  static async load(sessions: SessionSource, file: string): Promise<SdUnet> {
    return new SdUnet(await sessions.get(file));
  }

  /**
   * Loads an IP-capable UNet and checks its signature (docs/model-folders.md).
   * @throws naming every reason the file is not an IP UNet
   */
  static async loadIp(sessions: SessionSource, file: string): Promise<SdUnet> {
    const session = await sessions.get(file);
    const sig = checkIpUnetSignature(file, session.inputs);
    if (!sig.ok) throw new Error(`not an IP-capable UNet: ${sig.problems.join('; ')}`);
    return new SdUnet(session);
  }

  /** Whether one call may carry `n` images (a dynamic batch axis, or a fixed one equal to n). */
  acceptsBatch(n: number): boolean {
    return this.fixedBatch === undefined || this.fixedBatch === n;
  }

  /** Runs the UNet and returns ε with the sample's length; a batch that the export cannot take is split. */
  async predict(call: UnetCall): Promise<Float32Array> {
    const n = call.sample.dims[0]!;
    if (call.context.dims[0] !== n) {
      throw new Error(`UNet: ${n} samples but ${call.context.dims[0]} context rows ([${call.context.dims.join(',')}])`);
    }
    const f = this.fixedBatch;
    if (f === undefined || f === n) return this.runOnce(call);
    if (n % f !== 0) throw new Error(`UNet ${this.session.file} has a fixed batch of ${f}, which cannot split a batch of ${n}`);
    const parts: FloatTensor[] = [];
    for (let i = 0; i < n; i += f) {
      const sample = sliceBatch(call.sample, i, i + f);
      const context = sliceBatch(call.context, i, i + f);
      parts.push({ data: await this.runOnce({ ...call, sample, context }), dims: sample.dims });
    }
    return concatBatch(parts).data;
  }

  private async runOnce(call: UnetCall): Promise<Float32Array> {
    const feeds: Record<string, FloatTensor> = {
      sample: call.sample,
      timestep: { data: Float32Array.of(call.timestep), dims: [1] },
      encoder_hidden_states: call.context,
    };
    if (this.ipScaleInput) {
      if (!call.ipScale) throw new Error(`UNet ${this.session.file} is IP-capable and needs ${this.ipScaleInput}; none was given`);
      feeds[this.ipScaleInput] = { data: call.ipScale, dims: [call.ipScale.length] };
    } else if (call.ipScale) {
      throw new Error(`UNet ${this.session.file} has no ipadapter_scale input; IP-Adapter scales need the IP-capable UNet (unet_ip/)`);
    }
    const out = await this.session.run(feeds, { signal: call.signal });
    const eps = floatOutput(out, 'out_sample', this.session.file);
    if (eps.data.length !== sizeOf(call.sample.dims)) {
      throw new Error(`UNet ${this.session.file}: out_sample is [${eps.dims.join(',')}] for a sample of [${call.sample.dims.join(',')}]`);
    }
    return eps.data;
  }
}
