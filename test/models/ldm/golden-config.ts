/**
 * The checkpoint and inputs of the LDM golden fixtures (`test/fixtures/ldm/`): a checkpoint in the real key layout
 * with SD1.5's block structure at width 32, seeded by `models/tiny/ldm-checkpoint.ts`, and seeded inputs. The
 * reference outputs come from CompVis/stable-diffusion's model code under torch 1.13 (test/fixtures/ldm/README.md).
 */
import { createRng } from '../../../models/onnx-builder/prng.js';
import { TINY_IP_ADAPTER_CONFIG, type IpAdapterConfig } from '../../../models/tiny/ip-adapter.js';
import { TINY_LDM_CONFIG, ldmCrossAttentionChannels, type LdmCheckpointConfig } from '../../../models/tiny/ldm-checkpoint.js';

/** Two text layers so that stop_at_clip_layer −2 is meaningful; one ResBlock per VAE level. */
export const GOLDEN_LDM_CONFIG: LdmCheckpointConfig = {
  ...TINY_LDM_CONFIG,
  text: { ...TINY_LDM_CONFIG.text, layers: 2 },
};

export const GOLDEN_SEED = 42;

function normals(seed: number, dims: number[], std = 1): { dims: number[]; data: Float32Array } {
  const rng = createRng(seed);
  const data = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => std * rng.normal());
  return { dims, data };
}

/** UNet: 2 × [4, 8, 8] at t = 421 with a [2, 77, 768] context; VAE: a [1, 4, 4, 4] latent and a [1, 3, 32, 32] image. */
export function goldenInputs() {
  const ids = Int32Array.from({ length: 77 }, (_, i) => (i === 0 ? 1116 : i < 6 ? 40 + 7 * i : 1117));
  return {
    sample: normals(1, [2, 4, 8, 8]),
    timestep: { dims: [1], data: Float32Array.of(421) },
    context: normals(2, [2, 77, 768], 0.5),
    latent: normals(3, [1, 4, 4, 4]),
    image: { dims: [1, 3, 32, 32], data: normals(4, [1, 3, 32, 32]).data.map((v) => Math.tanh(v)) },
    inputIds: { dims: [1, 77], data: ids },
  };
}

/** The IP-Adapter golden's adapter: ip-adapter_sd15's projection sizes, to_k_ip/to_v_ip at the golden UNet's attn2 widths. */
export const GOLDEN_IP_ADAPTER_CONFIG: IpAdapterConfig = {
  ...TINY_IP_ADAPTER_CONFIG,
  layerChannels: ldmCrossAttentionChannels(GOLDEN_LDM_CONFIG),
};

export const GOLDEN_IP_SEED = 7;

/**
 * IP-Adapter golden inputs beside {@link goldenInputs}' sample, timestep and text context: one ViT-H image
 * embedding per batch row (different rows, so a batch mix-up shows), and 16 distinct per-layer scales (so a layer
 * order mix-up shows), IP-Adapter's layer order.
 */
export function goldenIpInputs() {
  return {
    imageEmbeds: normals(5, [2, GOLDEN_IP_ADAPTER_CONFIG.imageEmbedDim]),
    scales: { dims: [16], data: Float32Array.from({ length: 16 }, (_, i) => 0.2 + 0.9 * (((i * 7) % 16) / 15)) },
  };
}
