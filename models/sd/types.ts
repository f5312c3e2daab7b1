/**
 * Values that flow between the Stable Diffusion nodes (ComfyUI's MODEL, CLIP, VAE, CONDITIONING sockets).
 * They are handles to model files plus small settings: sessions are created lazily by the session pool.
 */
import type { FloatTensor } from '../tensors.js';

/** A decoupled IP-Adapter patch applied by DPAdapterApply or IPAdapterAdvanced and consumed by the samplers. */
export interface IpAdapterPatch {
  /** Projected image tokens, [B or 1, 4, 768]: appended after the text tokens of the positive conditioning. */
  readonly cond: FloatTensor;
  /** Projection of a zero image embedding, [1, 4, 768]: appended to the negative (unconditional) side. */
  readonly uncond: FloatTensor;
  /** Scale fed to every cross-attention layer's `ipadapter_scale`; 0 disables the adapter. */
  readonly weight: number;
  /**
   * Per-layer scales in the IP UNet's `ipadapter_scale` order (IPAdapter_plus's weight types,
   * `models/ip-adapter/weight-types.ts`); when absent every layer gets `weight`.
   */
  readonly layerScales?: readonly number[];
  /** Fraction of the sampling schedule (0..1) where the adapter starts and ends being applied. */
  readonly startAt: number;
  readonly endAt: number;
  /** Which DeCLIP part drove the image tokens (for history and debugging). */
  readonly mode: string;
}

/** ComfyUI's MODEL: the UNet of an SD1.5 ONNX checkpoint. */
export interface SdModel {
  /** Stable identity for cache keys and logs (checkpoint name). */
  readonly key: string;
  /** The plain UNet's `model.onnx`. */
  readonly unetPath: string;
  /** The IP-capable UNet (docs/model-folders.md: `ipadapter_scale` [16], 77+4 tokens), when the checkpoint has one. */
  readonly ipUnetPath?: string;
  /** Scheduler settings from `scheduler/scheduler_config.json` (beta schedule, steps, prediction type). */
  readonly schedulerConfig: Readonly<Record<string, unknown>>;
  /** Set by DPAdapterApply. */
  readonly ipAdapter?: IpAdapterPatch;
  /** The cache folder of a converted single-file checkpoint (docs/ldm-checkpoints.md), for the IP-Adapter UNet. */
  readonly conversionDir?: string;
}

/** ComfyUI's CLIP for SD: the text encoder and its tokenizer. */
export interface SdClip {
  readonly key: string;
  readonly textEncoderPath: string;
  readonly tokenizerDir: string;
  /**
   * A text tower converted from a single-file checkpoint, whose graph can stop at any layer (CLIPSetLastLayer);
   * absent for ONNX exports, which return only their last layer.
   */
  readonly layers?: {
    readonly conversionDir: string;
    /** Layers of the tower. */
    readonly count: number;
    /** ComfyUI's stop_at_clip_layer of `textEncoderPath`: −1 … −count. */
    readonly stopAt: number;
  };
}

/** ComfyUI's VAE. */
export interface SdVae {
  readonly key: string;
  readonly decoderPath: string;
  readonly encoderPath?: string;
  /** 0.18215 for SD1.5. */
  readonly scalingFactor: number;
}

/** One conditioning entry: text token embeddings [1, 77·k, 768] and the pooled embedding [1, 768]. */
export interface ConditioningEntry {
  readonly embeds: FloatTensor;
  readonly pooled?: FloatTensor;
}

/** ComfyUI's CONDITIONING: a list of entries (one for a plain prompt). */
export type Conditioning = readonly ConditioningEntry[];
