import { describe, expect, it } from 'vitest';
import { preflightUnavailable, type PreflightEnvironment } from '../../../models/onnx/provider-preflight.js';

const env = (files: string[], platform: NodeJS.Platform = 'linux'): PreflightEnvironment => ({
  platform,
  exists: (f) => files.includes(f),
  libraryDirs: ['/usr/lib/x86_64-linux-gnu'],
  ortBinDirs: ['/ort/bin/napi-v6/linux/x64'],
});
const cudaSo = '/ort/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so';
const vulkan = '/usr/lib/x86_64-linux-gnu/libvulkan.so.1';

describe('preflightUnavailable', () => {
  it.each([
    ['cpu', [], undefined],
    ['cuda', [cudaSo, vulkan], /no GPU device/],
    ['webgpu', [cudaSo, vulkan], /no GPU device/],
    ['cuda', ['/dev/nvidia0'], /CUDA provider libraries are not installed/],
    ['cuda', ['/dev/nvidia0', cudaSo], undefined],
    ['webgpu', ['/dev/dri/renderD128'], /no Vulkan loader/],
    ['webgpu', ['/dev/dri/renderD128', vulkan], undefined],
    ['webgpu', ['/dev/dxg', vulkan], undefined],
  ] as const)('%s with %j → %s', (provider, files, expected) => {
    const reason = preflightUnavailable(provider, env([...files]));
    if (expected === undefined) expect(reason).toBeUndefined();
    else expect(reason).toMatch(expected);
  });

  it('rules nothing out off Linux (the pool tries and falls back there)', () => {
    expect(preflightUnavailable('cuda', env([], 'darwin'))).toBeUndefined();
    expect(preflightUnavailable('webgpu', env([], 'win32'))).toBeUndefined();
  });
});
