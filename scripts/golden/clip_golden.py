"""Golden numbers for the CLIP towers built from weights (test/fixtures/clip/).

Runs open_clip (mlfoundations/open_clip, the public reference implementation; open_clip_torch 3.3.0 under Debian's
python3-torch 1.13) on the seeded OpenCLIP-layout weights that scripts/golden/write-clip-weights.ts writes, and
saves inputs and outputs as float32 safetensors: numbers only, no reference code.

Text hidden states follow ComfyUI's CLIPSetLastLayer: the output of layer (layers + stop) through ln_final.
Vision: image_embeds (encode_image, not normalised), last_hidden_state (last block output, before ln_post) and
penultimate_hidden_states (the block before).

Usage: PYTHONPATH=<open_clip and deps> python3 scripts/golden/clip_golden.py WEIGHTS_DIR OUT_DIR
"""
import sys

import torch
from safetensors.torch import load_file, save_file
from open_clip.model import CLIP, CLIPTextCfg, CLIPVisionCfg

# Keep in step with GOLDEN_CLIP_CONFIG in models/tiny/clip-safetensors.ts.
CFG = dict(embed_dim=32, vision=dict(width=128, layers=2, patch_size=8, image_size=32, mlp=512),
           text=dict(vocab=64, positions=12, width=128, layers=3, mlp=512))


def build(quick_gelu):
    v, t = CFG['vision'], CFG['text']
    return CLIP(
        embed_dim=CFG['embed_dim'],
        vision_cfg=CLIPVisionCfg(layers=v['layers'], width=v['width'], head_width=64, patch_size=v['patch_size'],
                                 image_size=v['image_size'], mlp_ratio=v['mlp'] / v['width']),
        text_cfg=CLIPTextCfg(context_length=t['positions'], vocab_size=t['vocab'], width=t['width'], heads=t['width'] // 64,
                             layers=t['layers'], mlp_ratio=t['mlp'] / t['width']),
        quick_gelu=quick_gelu,
    ).eval()


def block_outputs(blocks):
    outs = []
    hooks = [b.register_forward_hook(lambda _m, _i, o: outs.append(o)) for b in blocks]
    return outs, hooks


def run(seed, quick_gelu, weights_dir, out_dir):
    model = build(quick_gelu)
    sd = load_file(f'{weights_dir}/openclip-seed{seed}.safetensors')
    model.load_state_dict(sd, strict=True)
    g = torch.Generator().manual_seed(seed)
    t = CFG['text']
    eos = t['vocab'] - 1
    ids = torch.randint(1, eos - 1, (2, t['positions']), generator=g)
    ids[0, 5:] = eos  # first end token at 5, then end-token padding (ComfyUI's SD1 padding)
    ids[1, 0] = eos - 1
    ids[1, 9] = eos
    ids[1, 10:] = 0
    pixels = torch.randn(2, 3, CFG['vision']['image_size'], CFG['vision']['image_size'], generator=g)
    out = {'input_ids': ids.float(), 'pixel_values': pixels}
    with torch.no_grad():
        outs, hooks = block_outputs(model.transformer.resblocks)
        out['text_embeds'] = model.encode_text(ids)
        for h in hooks:
            h.remove()
        for stop in (-1, -2, -3):
            out[f'hidden_stop{-stop}'] = model.ln_final(outs[t['layers'] + stop])
        vouts, hooks = block_outputs(model.visual.transformer.resblocks)
        out['image_embeds'] = model.encode_image(pixels)
        for h in hooks:
            h.remove()
        out['last_hidden_state'] = vouts[-1]
        out['penultimate_hidden_states'] = vouts[-2]
    out = {k: v.contiguous().float() for k, v in out.items()}
    name = 'quick-gelu' if quick_gelu else 'gelu'
    save_file(out, f'{out_dir}/golden-{name}.safetensors',
              metadata={'reference': 'open_clip_torch 3.3.0 on torch ' + torch.__version__, 'weights': f'seed {seed}'})
    print(name, {k: tuple(v.shape) for k, v in out.items()})


if __name__ == '__main__':
    run(5, True, sys.argv[1], sys.argv[2])
    run(6, False, sys.argv[1], sys.argv[2])
