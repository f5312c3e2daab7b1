import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../app/cli/main.js';
import { DEVICE_USAGE, deviceOption } from '../../../app/cli/device-option.js';
import { DEVICES } from '../../../models/onnx/providers.js';

afterEach(() => vi.restoreAllMocks());

describe('--device', () => {
  it('accepts the runtime device list and nothing else', () => {
    for (const d of DEVICES) expect(deviceOption(d)).toBe(d);
    expect(deviceOption(undefined)).toBe('auto');
    expect(DEVICE_USAGE).toBe(DEVICES.join('|'));
    expect(() => deviceOption('gpu')).toThrow('--device: unknown device "gpu"; expected one of auto, cuda, webgpu, cpu');
  });

  it('is parsed the same way by every command that takes it', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const runs: string[][] = [
      ['run', 'workflow.json', '--device', 'gpu'],
      ['serve', '--device', 'gpu'],
      ['iqa', 'eval', '--images', '.', '--labels', 'x.csv', '--device', 'gpu'],
    ];
    for (const argv of runs) {
      errors.length = 0;
      expect(await main(argv), argv.join(' ')).toBe(2); // a usage error
      expect(errors.join('\n'), argv.join(' ')).toContain('--device: unknown device "gpu"');
    }
  });
});
