/**
 * The key names of SD1.5's UNet, VAE and text encoder in the diffusers folder layout and in the LDM single-file
 * layout, as a table of renamed sub-trees (docs/ldm-checkpoints.md, "Diffusers folders"). The graph builders read
 * LDM keys; a diffusers folder is read through this table (diffusers-folder.ts), and the tiny folder writer uses it
 * the other way (models/tiny/diffusers-folder.ts), so both directions come from the same rows.
 *
 * Only the block numbering differs between the layouts: LDM counts `input_blocks.*` / `output_blocks.*` through
 * every level, diffusers nests `down_blocks.{level}.resnets.{j}`. Inside a transformer block the names are the
 * same. The VAE's mid attention is the one place where a tensor changes shape: diffusers stores `to_q/to_k/to_v/
 * to_out.0` as Linear [c, c], LDM stores `q/k/v/proj_out` as 1×1 convs [c, c, 1, 1] (same values, same order).
 */

/** Where the UNet's attention and down/up-samplers are (unet/config.json or the keys say). */
export interface DiffusersUnetLayout {
  /** ResNets per down block (`layers_per_block`); each up block has one more. */
  readonly layersPerBlock: number;
  /** Per level, whether its blocks hold attentions (`CrossAttnDownBlock2D`); up block i mirrors level L−1−i. */
  readonly attention: readonly boolean[];
}

/** The VAE's levels and ResNets per encoder level (`layers_per_block`; the decoder has one more). */
export interface DiffusersVaeLayout {
  readonly levels: number;
  readonly layersPerBlock: number;
}

/** A rename of the path segments right after a prefix; `linearAsConv`: Linear in diffusers, 1×1 conv in LDM. */
export interface InnerRename {
  readonly diffusers: string;
  readonly ldm: string;
  readonly linearAsConv?: boolean;
}

/** One renamed sub-tree: `<diffusers>.<rest>` is `<ldm>.<rest>`, with `inner` applied to the start of rest. */
export interface PrefixRule {
  readonly diffusers: string;
  readonly ldm: string;
  readonly inner?: readonly InnerRename[];
}

/** UNet ResnetBlock2D ↔ LDM ResBlock. */
export const UNET_RESNET: readonly InnerRename[] = [
  { diffusers: 'norm1', ldm: 'in_layers.0' },
  { diffusers: 'conv1', ldm: 'in_layers.2' },
  { diffusers: 'time_emb_proj', ldm: 'emb_layers.1' },
  { diffusers: 'norm2', ldm: 'out_layers.0' },
  { diffusers: 'conv2', ldm: 'out_layers.3' },
  { diffusers: 'conv_shortcut', ldm: 'skip_connection' },
];

/** VAE ResnetBlock2D ↔ LDM ResnetBlock (norm1, conv1, norm2, conv2 keep their names). */
export const VAE_RESNET: readonly InnerRename[] = [{ diffusers: 'conv_shortcut', ldm: 'nin_shortcut' }];

/** VAE mid Attention ↔ LDM AttnBlock; the second group is the pre-0.14 diffusers naming, read but never written. */
export const VAE_ATTENTION: readonly InnerRename[] = [
  { diffusers: 'group_norm', ldm: 'norm' },
  { diffusers: 'to_q', ldm: 'q', linearAsConv: true },
  { diffusers: 'to_k', ldm: 'k', linearAsConv: true },
  { diffusers: 'to_v', ldm: 'v', linearAsConv: true },
  { diffusers: 'to_out.0', ldm: 'proj_out', linearAsConv: true },
  { diffusers: 'query', ldm: 'q', linearAsConv: true },
  { diffusers: 'key', ldm: 'k', linearAsConv: true },
  { diffusers: 'value', ldm: 'v', linearAsConv: true },
  { diffusers: 'proj_attn', ldm: 'proj_out', linearAsConv: true },
];

const rule = (diffusers: string, ldm: string, inner?: readonly InnerRename[]): PrefixRule => ({ diffusers, ldm, inner });

/** The UNet's rows (keys without the `model.diffusion_model.` prefix). */
export function unetRules(l: DiffusersUnetLayout): PrefixRule[] {
  const n = l.layersPerBlock;
  const levels = l.attention.length;
  const rules = [
    rule('conv_in', 'input_blocks.0.0'),
    rule('time_embedding.linear_1', 'time_embed.0'),
    rule('time_embedding.linear_2', 'time_embed.2'),
    rule('conv_norm_out', 'out.0'),
    rule('conv_out', 'out.2'),
    rule('mid_block.resnets.0', 'middle_block.0', UNET_RESNET),
    rule('mid_block.attentions.0', 'middle_block.1'),
    rule('mid_block.resnets.1', 'middle_block.2', UNET_RESNET),
  ];
  for (let i = 0; i < levels; i++) {
    for (let j = 0; j < n; j++) {
      const block = 1 + i * (n + 1) + j; // LDM input block 0 is conv_in; each level adds n blocks and a downsampler
      rules.push(rule(`down_blocks.${i}.resnets.${j}`, `input_blocks.${block}.0`, UNET_RESNET));
      if (l.attention[i]) rules.push(rule(`down_blocks.${i}.attentions.${j}`, `input_blocks.${block}.1`));
    }
    if (i < levels - 1) rules.push(rule(`down_blocks.${i}.downsamplers.0.conv`, `input_blocks.${(i + 1) * (n + 1)}.0.op`));
  }
  for (let i = 0; i < levels; i++) {
    const attention = l.attention[levels - 1 - i]!;
    for (let j = 0; j <= n; j++) {
      const block = i * (n + 1) + j;
      rules.push(rule(`up_blocks.${i}.resnets.${j}`, `output_blocks.${block}.0`, UNET_RESNET));
      if (attention) rules.push(rule(`up_blocks.${i}.attentions.${j}`, `output_blocks.${block}.1`));
    }
    // The upsampler sits in the level's last output block, after its ResBlock (and attention, if any).
    if (i < levels - 1) rules.push(rule(`up_blocks.${i}.upsamplers.0.conv`, `output_blocks.${i * (n + 1) + n}.${attention ? 2 : 1}.conv`));
  }
  return rules;
}

/** The VAE's rows (keys without the `first_stage_model.` prefix). */
export function vaeRules(l: DiffusersVaeLayout): PrefixRule[] {
  const rules: PrefixRule[] = [rule('quant_conv', 'quant_conv'), rule('post_quant_conv', 'post_quant_conv')];
  for (const side of ['encoder', 'decoder'] as const) {
    rules.push(
      rule(`${side}.conv_in`, `${side}.conv_in`),
      rule(`${side}.conv_norm_out`, `${side}.norm_out`),
      rule(`${side}.conv_out`, `${side}.conv_out`),
      rule(`${side}.mid_block.resnets.0`, `${side}.mid.block_1`, VAE_RESNET),
      rule(`${side}.mid_block.attentions.0`, `${side}.mid.attn_1`, VAE_ATTENTION),
      rule(`${side}.mid_block.resnets.1`, `${side}.mid.block_2`, VAE_RESNET),
    );
  }
  for (let i = 0; i < l.levels; i++) {
    for (let j = 0; j < l.layersPerBlock; j++) rules.push(rule(`encoder.down_blocks.${i}.resnets.${j}`, `encoder.down.${i}.block.${j}`, VAE_RESNET));
    if (i < l.levels - 1) rules.push(rule(`encoder.down_blocks.${i}.downsamplers.0.conv`, `encoder.down.${i}.downsample.conv`));
    // diffusers numbers the decoder's up blocks from the deepest level; LDM numbers them by level.
    const level = l.levels - 1 - i;
    for (let j = 0; j <= l.layersPerBlock; j++) rules.push(rule(`decoder.up_blocks.${i}.resnets.${j}`, `decoder.up.${level}.block.${j}`, VAE_RESNET));
    if (i < l.levels - 1) rules.push(rule(`decoder.up_blocks.${i}.upsamplers.0.conv`, `decoder.up.${level}.upsample.conv`));
  }
  return rules;
}

/** The text encoder's one row: HF CLIPTextModel keys under `cond_stage_model.transformer.`. */
export const TEXT_RULES: readonly PrefixRule[] = [rule('text_model', 'text_model')];

/** The key on the other side, and whether the tensor is a Linear (diffusers) stored as a 1×1 conv (LDM). */
export interface RenamedKey {
  readonly key: string;
  readonly linearAsConv: boolean;
}

const under = (key: string, prefix: string) => key === prefix || key.startsWith(`${prefix}.`);

/**
 * Renames `key` from one layout to the other by the first row whose prefix it is under; undefined when no row
 * covers it (a block the layout does not have).
 */
export function renameKey(key: string, rules: readonly PrefixRule[], from: 'diffusers' | 'ldm'): RenamedKey | undefined {
  const to = from === 'diffusers' ? 'ldm' : 'diffusers';
  for (const r of rules) {
    if (!under(key, r[from])) continue;
    let rest = key.slice(r[from].length + 1);
    let linearAsConv = false;
    const inner = r.inner?.find((e) => under(rest, e[from]));
    if (inner) {
      rest = `${inner[to]}${rest.slice(inner[from].length)}`;
      linearAsConv = inner.linearAsConv === true && rest.endsWith('.weight');
    }
    return { key: rest ? `${r[to]}.${rest}` : r[to], linearAsConv };
  }
  return undefined;
}
