"""Golden numbers for IP-Adapter's decoupled cross-attention in the built UNet (test/fixtures/ldm/ip-golden.json).

Public reference code, run under Debian's python3-torch 1.13 on what scripts/golden/write-ip-adapter-inputs.ts
writes:
- CompVis/stable-diffusion `UNetModel` (the arguments of the LDM UNet golden, test/fixtures/ldm/README.md);
- each of its 16 attn2 layers replaced by diffusers v0.20.2 `Attention` (the to_q/to_k/to_v/to_out weights of that
  layer) driven by tencent-ailab/IP-Adapter's `IPAttnProcessor` with its own scale;
- the adapter's `ip_adapter.*` weights loaded the way IP-Adapter's `load_ip_adapter` does: a ModuleList of the
  processors in diffusers' `attn_processors` order (down, up, mid blocks = CompVis input, output, middle blocks, as
  ComfyUI_IPAdapter_plus patches them; an attn1 slot before each attn2, so attn2 number i is key 2i + 1);
- image tokens from IP-Adapter's `ImageProjModel` on the image embeddings, appended to the text context.
Saves the input hashes and the outputs (base64 little-endian float32): numbers only, no reference code.

Usage: PYTHONPATH=<stable-diffusion checkout>:<IP-Adapter checkout> \\
         python3 scripts/golden/ip_adapter_golden.py DIFFUSERS_V0_20_2_SRC IN_DIR OUT_JSON [UNET_GOLDEN_JSON]
DIFFUSERS_V0_20_2_SRC is diffusers' `src/diffusers` folder at tag v0.20.2: only models/attention_processor.py and
models/lora.py are imported from it; the package roots and the pip packages that are not installed here (einops,
omegaconf, safetensors, transformers) get the small stand-ins below, none of which touches the arithmetic.
UNET_GOLDEN_JSON (test/fixtures/ldm/golden.json) is only for a printed check: at all scales 0 ε equals that golden.
"""
import base64
import hashlib
import json
import os
import struct
import sys
import types

import numpy as np
import torch


def stand_in(name, path=None, **attrs):
    m = types.ModuleType(name)
    if path is not None:
        m.__path__ = [path]
    m.__dict__.update(attrs)
    sys.modules[name] = m
    return m


class NotUsed:
    def __init__(self, *a, **k):
        raise NotImplementedError('not used by the golden')


def rearrange(t, pattern, **k):
    """The einops patterns CompVis' UNet uses."""
    if pattern == 'b n (h d) -> (b h) n d':
        b, n, hd = t.shape
        h = k['h']
        return t.reshape(b, n, h, hd // h).permute(0, 2, 1, 3).reshape(b * h, n, hd // h)
    if pattern == '(b h) n d -> b n (h d)':
        bh, n, d = t.shape
        h = k['h']
        return t.reshape(bh // h, h, n, d).permute(0, 2, 1, 3).reshape(bh // h, n, h * d)
    if pattern == 'b c h w -> b (h w) c':
        b, c, h, w = t.shape
        return t.reshape(b, c, h * w).permute(0, 2, 1)
    if pattern == 'b (h w) c -> b c h w':
        b, n, c = t.shape
        return t.permute(0, 2, 1).reshape(b, c, k['h'], k['w'])
    raise NotImplementedError(pattern)


def repeat(t, pattern, **k):
    if pattern == 'b -> b d':
        return t[:, None].expand(t.shape[0], k['d'])
    raise NotImplementedError(pattern)


diffusers_src, in_dir, out_json = sys.argv[1:4]
unet_golden = sys.argv[4] if len(sys.argv) > 4 else None

stand_in('einops', rearrange=rearrange, repeat=repeat)
stand_in('einops.layers')
stand_in('einops.layers.torch', Rearrange=NotUsed)
stand_in('omegaconf')
stand_in('omegaconf.listconfig', ListConfig=type('ListConfig', (list,), {}))
stand_in('safetensors', safe_open=NotUsed)
stand_in('transformers', CLIPImageProcessor=NotUsed, CLIPVisionModelWithProjection=NotUsed)
stand_in('diffusers', diffusers_src, StableDiffusionPipeline=NotUsed)
stand_in('diffusers.pipelines')
stand_in('diffusers.pipelines.controlnet', MultiControlNetModel=NotUsed)
stand_in('diffusers.models', os.path.join(diffusers_src, 'models'))
stand_in('diffusers.utils', logging=types.SimpleNamespace(get_logger=__import__('logging').getLogger),
         deprecate=lambda *a, **k: None, maybe_allow_in_graph=lambda cls: cls)
stand_in('diffusers.utils.import_utils', is_xformers_available=lambda: False)

import diffusers.models.attention_processor as attention_processor  # noqa: E402
from diffusers.models.attention_processor import Attention  # noqa: E402
from ip_adapter.attention_processor import AttnProcessor, IPAttnProcessor  # noqa: E402
from ip_adapter.ip_adapter import ImageProjModel  # noqa: E402
from ldm.modules.attention import BasicTransformerBlock  # noqa: E402
from ldm.modules.diffusionmodules.openaimodel import UNetModel  # noqa: E402


class TorchWithDocumentedBaddbmm:
    """torch 1.13's in-house CPU baddbmm kernel (taken for tiny matrices, like the 1×1 middle block here) returns
    random NaN at beta = 0 even for a zero input (pytorch/pytorch#80588, #96037; fixed in torch 2.0 by #96086).
    Attention.get_attention_scores calls it with beta = 0; this computes what the documentation says that means."""

    def __getattr__(self, name):
        return getattr(torch, name)

    @staticmethod
    def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
        out = alpha * torch.bmm(batch1, batch2)
        return out if beta == 0 else out + beta * input


attention_processor.torch = TorchWithDocumentedBaddbmm()


def sha(b):
    return hashlib.sha256(b).hexdigest()


def read_safetensors(path):
    raw = open(path, 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    tensors = {}
    for k, v in header.items():
        if k == '__metadata__':
            continue
        assert v['dtype'] == 'F32', k
        a, b = v['data_offsets']
        tensors[k] = torch.from_numpy(np.frombuffer(raw[8 + n + a:8 + n + b], dtype='<f4').copy().reshape(v['shape']))
    return tensors, sha(raw)


ckpt, ckpt_sha = read_safetensors(os.path.join(in_dir, 'checkpoint.safetensors'))
adapter, adapter_sha = read_safetensors(os.path.join(in_dir, 'adapter.safetensors'))
inputs, inputs_sha = {}, {}
for name, shape in json.load(open(os.path.join(in_dir, 'inputs.json'))).items():
    raw = open(os.path.join(in_dir, name + '.f32'), 'rb').read()
    inputs_sha[name] = sha(raw)
    inputs[name] = torch.from_numpy(np.frombuffer(raw, dtype='<f4').copy().reshape(shape))

unet = UNetModel(image_size=32, in_channels=4, out_channels=4, model_channels=32, attention_resolutions=[4, 2, 1],
                 num_res_blocks=2, channel_mult=[1, 2, 4, 4], num_heads=8, use_spatial_transformer=True,
                 transformer_depth=1, context_dim=768, use_checkpoint=True, legacy=False)
prefix = 'model.diffusion_model.'
unet.load_state_dict({k[len(prefix):]: v for k, v in ckpt.items() if k.startswith(prefix)}, strict=True)
unet.eval()


class CompVisCall(torch.nn.Module):
    """CompVis' CrossAttention call signature over diffusers' Attention."""

    def __init__(self, attn):
        super().__init__()
        self.attn = attn

    def forward(self, x, context=None, mask=None):
        return self.attn(x, encoder_hidden_states=context)


scales = inputs['scales'].tolist()
blocks = [m for part in (unet.input_blocks, unet.output_blocks, unet.middle_block)
          for m in part.modules() if isinstance(m, BasicTransformerBlock)]
assert len(blocks) == 16 == len(scales)
processors, ip_processors = [], []
for blk, scale in zip(blocks, scales):
    ch = blk.attn2.to_q.weight.shape[0]
    ip = IPAttnProcessor(hidden_size=ch, cross_attention_dim=768, scale=scale, num_tokens=4)
    attn = Attention(query_dim=ch, cross_attention_dim=768, heads=8, dim_head=ch // 8, bias=False, out_bias=True, processor=ip)
    loaded = attn.load_state_dict(blk.attn2.state_dict(), strict=False)
    assert not loaded.unexpected_keys and all(k.startswith('processor.') for k in loaded.missing_keys), loaded
    blk.attn2 = CompVisCall(attn)
    processors += [AttnProcessor(), ip]
    ip_processors.append(ip)
torch.nn.ModuleList(processors).load_state_dict(
    {k[len('ip_adapter.'):]: v for k, v in adapter.items() if k.startswith('ip_adapter.')}, strict=True)
proj = ImageProjModel(cross_attention_dim=768, clip_embeddings_dim=1024, clip_extra_context_tokens=4)
proj.load_state_dict({k[len('image_proj.'):]: v for k, v in adapter.items() if k.startswith('image_proj.')}, strict=True)

with torch.no_grad():
    tokens = proj(inputs['imageEmbeds'])
    context = torch.cat([inputs['context'], tokens], 1)
    t = inputs['timestep'].repeat(inputs['sample'].shape[0])
    eps = unet(inputs['sample'], t, context)
    assert all(hasattr(ip, 'attn_map') for ip in ip_processors), 'an IP layer did not run'
    if unet_golden:
        for ip in ip_processors:
            ip.scale = 0.0
        eps0 = unet(inputs['sample'], t, context)
        ref = json.load(open(unet_golden))['outputs']['eps']
        ref = np.frombuffer(base64.b64decode(ref['f32']), dtype='<f4').reshape(ref['dims'])
        print('scales 0 vs the UNet golden: max abs', float(np.abs(eps0.numpy() - ref).max()),
              '| scales vs scales 0: max abs', float((eps - eps0).abs().max()))


def f32(x):
    x = x.contiguous().numpy().astype('<f4')
    return {'dims': list(x.shape), 'f32': base64.b64encode(x.tobytes()).decode()}


json.dump({
    'reference': 'CompVis/stable-diffusion UNetModel, each attn2 = diffusers v0.20.2 Attention + tencent-ailab/IP-Adapter '
                 'IPAttnProcessor (per-layer scale), ip_adapter weights loaded as IP-Adapter load_ip_adapter does, image '
                 "tokens from IP-Adapter's ImageProjModel; torch 1.13 fp32 CPU",
    'checkpointSha256': ckpt_sha, 'adapterSha256': adapter_sha, 'inputsSha256': inputs_sha,
    'outputs': {'imageTokens': f32(tokens), 'eps': f32(eps)},
}, open(out_json, 'w'), indent=1)
print('wrote', out_json)
