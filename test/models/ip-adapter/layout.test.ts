import { describe, expect, it } from 'vitest';
import {
  ipLayerTensorKey, referenceShapes, SD15_IP_LAYER_CHANNELS, validateIpAdapterHeader,
} from '../../../models/ip-adapter/layout.js';
import type { SafetensorsDtype, SafetensorsTensorInfo } from '../../../models/safetensors/read.js';

type Header = Record<string, SafetensorsTensorInfo>;

/** A header with the real ip-adapter_sd15 keys and shapes (no data needed to validate a header). */
function realHeader(dtype: SafetensorsDtype = 'F16'): Header {
  const h: Header = {};
  for (const [key, shape] of referenceShapes(SD15_IP_LAYER_CHANNELS)) h[key] = { dtype, shape, offsets: [0, 0] };
  return h;
}

describe('referenceShapes', () => {
  it('lists the 36 tensors of docs/model-folders.md with 22,319,616 parameters', () => {
    const shapes = referenceShapes(SD15_IP_LAYER_CHANNELS);
    expect(shapes.size).toBe(36);
    const params = [...shapes.values()].reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
    expect(params).toBe(22_319_616);
    expect(shapes.get('image_proj.proj.weight')).toEqual([3072, 1024]);
    expect(shapes.get('ip_adapter.31.to_v_ip.weight')).toEqual([1280, 768]);
    expect(shapes.get('ip_adapter.13.to_k_ip.weight')).toEqual([1280, 768]);
    expect(shapes.get('ip_adapter.25.to_k_ip.weight')).toEqual([320, 768]);
    expect(ipLayerTensorKey(0, 'k')).toBe('ip_adapter.1.to_k_ip.weight');
  });
});

describe('validateIpAdapterHeader', () => {
  it('accepts the real layout in F16 and F32', () => {
    for (const dtype of ['F16', 'F32'] as const) {
      const r = validateIpAdapterHeader(realHeader(dtype));
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.layout).toMatchObject({ kind: 'sd15', imageEmbedDim: 1024, crossAttentionDim: 768, tokens: 4 });
    }
  });

  it('names a missing key with its expected shape', () => {
    const h = realHeader();
    delete h['ip_adapter.17.to_v_ip.weight'];
    delete h['image_proj.norm.bias'];
    const r = validateIpAdapterHeader(h);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toContain('missing tensor image_proj.norm.bias (expected shape [768])');
      expect(r.problems).toContain('missing tensor ip_adapter.17.to_v_ip.weight (expected shape [1280, 768])');
      expect(r.problems).toHaveLength(2);
    }
  });

  it('names a wrong shape with expected vs actual', () => {
    const h = realHeader();
    h['ip_adapter.3.to_k_ip.weight'] = { dtype: 'F16', shape: [640, 768], offsets: [0, 0] };
    const r = validateIpAdapterHeader(h);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual(['tensor ip_adapter.3.to_k_ip.weight has shape [640, 768], expected [320, 768]']);
  });

  it('reports unexpected tensors and integer dtypes', () => {
    const h = realHeader();
    h['ip_adapter.2.to_k_ip.weight'] = { dtype: 'F16', shape: [320, 768], offsets: [0, 0] };
    h['image_proj.proj.bias'] = { dtype: 'I32', shape: [3072], offsets: [0, 0] };
    const r = validateIpAdapterHeader(h);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems.join('\n')).toMatch(/unexpected tensor\(s\) not in ip-adapter_sd15: ip_adapter\.2\.to_k_ip\.weight/);
      expect(r.problems.join('\n')).toMatch(/image_proj\.proj\.bias is I32, expected a float type/);
    }
  });

  it('recognises the Plus, Full-face and ViT-bigG variants and says what they are', () => {
    const plus = { 'image_proj.latents': { dtype: 'F16', shape: [1, 16, 768], offsets: [0, 0] } } as Header;
    const face = { 'image_proj.proj.0.weight': { dtype: 'F16', shape: [1024, 1024], offsets: [0, 0] } } as Header;
    const bigG = { ...realHeader(), 'image_proj.proj.weight': { dtype: 'F16', shape: [3072, 1280], offsets: [0, 0] } } as Header;
    const msg = (h: Header) => {
      const r = validateIpAdapterHeader(h);
      return r.ok ? '' : r.problems.join('\n');
    };
    expect(msg(plus)).toMatch(/IP-Adapter Plus/);
    expect(msg(face)).toMatch(/Full-face/);
    expect(msg(bigG)).toMatch(/vit-G.*1280-d.*ViT-H/);
  });

  it('checks the tiny stand-in against its own uniform layer width, nothing else relaxed', () => {
    const tiny: Header = {};
    for (const [key, shape] of referenceShapes(SD15_IP_LAYER_CHANNELS.map(() => 32))) tiny[key] = { dtype: 'F16', shape, offsets: [0, 0] };
    expect(validateIpAdapterHeader(tiny).ok).toBe(false); // without the marker it is checked as the real file
    const marked = validateIpAdapterHeader(tiny, { perceptgraph_tiny: 'ip-adapter_sd15' });
    expect(marked.ok && marked.layout.kind).toBe('tiny');
    tiny['ip_adapter.9.to_k_ip.weight'] = { dtype: 'F16', shape: [64, 768], offsets: [0, 0] };
    const bad = validateIpAdapterHeader(tiny, { perceptgraph_tiny: 'ip-adapter_sd15' });
    expect(bad.ok ? [] : bad.problems).toEqual(['tensor ip_adapter.9.to_k_ip.weight has shape [64, 768], expected [32, 768]']);
  });
});
