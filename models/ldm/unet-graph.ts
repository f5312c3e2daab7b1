/**
 * The SD1.5 UNet (LDM `UNetModel`, ComfyUI `comfy/ldm/modules/diffusionmodules/openaimodel.py`) as an ONNX graph
 * over a checkpoint's own weights: sinusoidal timestep embedding (cos ‖ sin), ResBlocks with the time embedding
 * added after the first conv, SpatialTransformers (GroupNorm eps 1e-6, proj_in, self-attention, cross-attention on
 * the context, GEGLU feed-forward, proj_out), strided-conv down-sampling, nearest ×2 up-sampling, skip connections
 * concatenated on the channel axis.
 *
 * Signature (docs/model-folders.md): `sample` f32 [batch, 4, height, width], `timestep` f32 [1],
 * `encoder_hidden_states` f32 [batch, sequence, 768] → `out_sample` (ε). With an IP-Adapter
 * (docs/ldm-checkpoints.md) the graph also takes `ipadapter_scale` f32 [16], the last 4 rows of
 * `encoder_hidden_states` are image tokens, and each of the 16 attn2 layers computes
 * to_out(A(q, text) + scale_i · A(q, to_k_ip(img), to_v_ip(img))), IP-Adapter's decoupled cross-attention.
 */
import { GraphBuilder } from '../onnx-builder/graph-builder.js';
import { conv, fromTokens, fusedAttention, gelu, groupNorm, layerNorm, linear, type Net, silu, toTokens, upsampleNearest2x } from '../weights/torch-layers.js';
import { UNET_PREFIX, crossAttentionLayers, type LdmUnetStructure, type UnetLayer } from './unet-config.js';
import type { WeightPlan } from '../weights/weight-plan.js';

/** IP-Adapter's decoupled attention: where its weights come from and how many image tokens it appends. */
export interface UnetIpOptions {
  /** The adapter file's weights (`ip_adapter.{k}.to_k_ip.weight`, ...). */
  readonly weights: WeightPlan;
  /** Image tokens at the end of the context (4 for ip-adapter_sd15). */
  readonly tokens: number;
}

interface UnetState extends Net {
  readonly s: LdmUnetStructure;
  readonly emb: string;
  /** Text tokens [B, S, ctx]. */
  readonly context: string;
  readonly ip?: { readonly net: Net; readonly tokens: string; readonly scales: string; readonly index: ReadonlyMap<string, number> };
}

/** The sinusoidal embedding of `timestep` [1] → [1, dim] (cos first: LDM `timestep_embedding`, max period 10000). */
function timestepEmbedding(b: GraphBuilder, t: string, dim: number): string {
  const half = dim / 2;
  const freqs = Float32Array.from({ length: half }, (_, i) => Math.exp((-Math.log(10000) * i) / half));
  const args = b.mul(b.unsqueeze(t, [1]), b.constFloat(freqs, [1, half], 'freqs'));
  return b.concat([b.op('Cos', [args]), b.op('Sin', [args])], -1);
}

function resBlock(st: UnetState, x: string, l: Extract<UnetLayer, { kind: 'res' }>): string {
  const { b } = st;
  let h = silu(st, groupNorm(st, x, `${l.key}.in_layers.0`, { channels: l.inCh, eps: 1e-5 }));
  h = conv(st, h, `${l.key}.in_layers.2`, { inCh: l.inCh, outCh: l.outCh, kernel: 3 });
  const e = linear(st, silu(st, st.emb), `${l.key}.emb_layers.1`, { inDim: st.s.timeEmbedDim, outDim: l.outCh });
  h = b.add(h, b.unsqueeze(e, [2, 3]));
  h = silu(st, groupNorm(st, h, `${l.key}.out_layers.0`, { channels: l.outCh, eps: 1e-5 }));
  h = conv(st, h, `${l.key}.out_layers.3`, { inCh: l.outCh, outCh: l.outCh, kernel: 3 });
  const skip = l.skipConv ? conv(st, x, `${l.key}.skip_connection`, { inCh: l.inCh, outCh: l.outCh, kernel: 1 }) : x;
  if (!l.skipConv && l.inCh !== l.outCh) throw new Error(`${l.key}: ${l.inCh} → ${l.outCh} channels needs skip_connection weights`);
  return b.add(skip, h);
}

/** `CrossAttention` (heads of C/h), self-attention when `context` is undefined; decoupled IP branch for attn2. */
function crossAttention(st: UnetState, x: string, key: string, o: { ch: number; context?: string }): string {
  const h = st.s.heads;
  const kvDim = o.context ? st.s.contextDim : o.ch;
  const ctx = o.context ?? x;
  const q = linear(st, x, `${key}.to_q`, { inDim: o.ch, outDim: o.ch, bias: false });
  const k = linear(st, ctx, `${key}.to_k`, { inDim: kvDim, outDim: o.ch, bias: false });
  const v = linear(st, ctx, `${key}.to_v`, { inDim: kvDim, outDim: o.ch, bias: false });
  let out = fusedAttention(st, { q, k, v, heads: h });
  const layer = o.context ? st.ip?.index.get(key) : undefined;
  if (st.ip && layer !== undefined) {
    const ipKey = `ip_adapter.${2 * layer + 1}`;
    const ipNet: Net = { b: st.b, w: st.ip.net.w };
    const kIp = linear(ipNet, st.ip.tokens, `${ipKey}.to_k_ip`, { inDim: kvDim, outDim: o.ch, bias: false });
    const vIp = linear(ipNet, st.ip.tokens, `${ipKey}.to_v_ip`, { inDim: kvDim, outDim: o.ch, bias: false });
    const ipOut = fusedAttention(st, { q, k: kIp, v: vIp, heads: h });
    const scale = st.b.gather(st.ip.scales, st.b.constInt64([layer], [], 'layer'));
    out = st.b.add(out, st.b.mul(ipOut, scale));
  }
  return linear(st, out, `${key}.to_out.0`, { inDim: o.ch, outDim: o.ch });
}

/** `BasicTransformerBlock`: self-attention, cross-attention, GEGLU feed-forward, each pre-LayerNorm and residual. */
function transformerBlock(st: UnetState, x: string, key: string, ch: number): string {
  const { b } = st;
  x = b.add(x, crossAttention(st, layerNorm(st, x, `${key}.norm1`, ch), `${key}.attn1`, { ch }));
  x = b.add(x, crossAttention(st, layerNorm(st, x, `${key}.norm2`, ch), `${key}.attn2`, { ch, context: st.context }));
  const proj = linear(st, layerNorm(st, x, `${key}.norm3`, ch), `${key}.ff.net.0.proj`, { inDim: ch, outDim: 8 * ch });
  const value = b.slice(proj, [0], [4 * ch], [2]);
  const gate = b.slice(proj, [4 * ch], [8 * ch], [2]);
  const ff = linear(st, b.mul(value, gelu(st, gate)), `${key}.ff.net.2`, { inDim: 4 * ch, outDim: ch });
  return b.add(x, ff);
}

function spatialTransformer(st: UnetState, x: string, l: Extract<UnetLayer, { kind: 'attn' }>): string {
  const { b } = st;
  const ch = l.ch;
  let h = groupNorm(st, x, `${l.key}.norm`, { channels: ch, eps: 1e-6 });
  if (l.linearProj) h = linear(st, toTokens(st, h), `${l.key}.proj_in`, { inDim: ch, outDim: ch });
  else h = toTokens(st, conv(st, h, `${l.key}.proj_in`, { inCh: ch, outCh: ch, kernel: 1, pad: 0 }));
  for (let d = 0; d < l.depth; d++) h = transformerBlock(st, h, `${l.key}.transformer_blocks.${d}`, ch);
  if (l.linearProj) h = fromTokens(st, linear(st, h, `${l.key}.proj_out`, { inDim: ch, outDim: ch }), x);
  else h = conv(st, fromTokens(st, h, x), `${l.key}.proj_out`, { inCh: ch, outCh: ch, kernel: 1, pad: 0 });
  return b.add(h, x);
}

function runLayer(st: UnetState, x: string, l: UnetLayer): string {
  switch (l.kind) {
    case 'res': return resBlock(st, x, l);
    case 'attn': return spatialTransformer(st, x, l);
    case 'down': return conv(st, x, `${l.key}.op`, { inCh: l.ch, outCh: l.ch, kernel: 3, stride: 2, pad: 1 });
    case 'up': return conv(st, upsampleNearest2x(st, x), `${l.key}.conv`, { inCh: l.ch, outCh: l.ch, kernel: 3 });
  }
}

/** Options of {@link buildLdmUnet}. */
export interface BuildLdmUnetOptions {
  readonly structure: LdmUnetStructure;
  readonly weights: WeightPlan;
  readonly ip?: UnetIpOptions;
}

/** Builds the UNet graph; weights are planned into `weights` (and `ip.weights`), written later. */
export function buildLdmUnet(o: BuildLdmUnetOptions): GraphBuilder {
  const s = o.structure;
  const b = new GraphBuilder({ name: o.ip ? 'ldm_unet_ip' : 'ldm_unet' });
  const n: Net = { b, w: o.weights };
  const p = UNET_PREFIX;
  const sample = b.input('sample', 'float32', ['batch', s.inChannels, 'height', 'width']);
  const t = b.input('timestep', 'float32', [1]);
  let context = b.input('encoder_hidden_states', 'float32', ['batch', 'sequence', s.contextDim]);
  let ip: UnetState['ip'];
  if (o.ip) {
    const layers = crossAttentionLayers(s);
    const scales = b.input('ipadapter_scale', 'float32', [layers.length]);
    const tokens = b.slice(context, [-o.ip.tokens], [Number.MAX_SAFE_INTEGER], [1]);
    context = b.slice(context, [0], [-o.ip.tokens], [1]);
    ip = { net: { b, w: o.ip.weights }, tokens, scales, index: new Map(layers.map((l, i) => [l.key, i])) };
  }
  let emb = timestepEmbedding(b, t, s.modelChannels);
  emb = linear(n, emb, `${p}time_embed.0`, { inDim: s.modelChannels, outDim: s.timeEmbedDim });
  emb = linear(n, silu(n, emb), `${p}time_embed.2`, { inDim: s.timeEmbedDim, outDim: s.timeEmbedDim });
  const st: UnetState = { ...n, s, emb, context, ip };

  let h = conv(n, sample, `${p}input_blocks.0.0`, { inCh: s.inChannels, outCh: s.modelChannels, kernel: 3 });
  const skips: string[] = [h];
  for (const block of s.input) {
    for (const l of block) h = runLayer(st, h, l);
    skips.push(h);
  }
  for (const l of s.middle) h = runLayer(st, h, l);
  for (const block of s.output) {
    const skip = skips.pop();
    if (!skip) throw new Error(`${p}output_blocks: more output blocks than skip connections`);
    h = b.concat([h, skip], 1);
    for (const l of block) h = runLayer(st, h, l);
  }
  h = silu(n, groupNorm(n, h, `${p}out.0`, { channels: s.modelChannels, eps: 1e-5 }));
  h = conv(n, h, `${p}out.2`, { inCh: s.modelChannels, outCh: s.outChannels, kernel: 3 });
  b.output('out_sample', h, 'float32', ['batch', s.outChannels, 'height', 'width']);
  return b;
}
