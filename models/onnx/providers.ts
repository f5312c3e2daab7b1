/**
 * Execution provider choice. onnxruntime does not fall back by itself (with the CUDA `.so` missing, `create` rejects
 * even for ['cuda','cpu']), so each device maps to an ordered chain that the pool walks one provider at a time.
 */


/** An onnxruntime execution provider this runtime uses. */
export type ExecutionProvider = 'cuda' | 'webgpu' | 'cpu';

/** All accepted `--device` values: the one declaration of the device names. `auto` tries CUDA, then WebGPU, then CPU. */
export const DEVICES = ['auto', 'cuda', 'webgpu', 'cpu'] as const;
export type Device = (typeof DEVICES)[number];

/** Parses a `--device` value; throws listing the accepted values. */
export function parseDevice(value: string): Device {
  const v = value.trim().toLowerCase();
  if ((DEVICES as readonly string[]).includes(v)) return v as Device;
  throw new Error(`unknown device "${value}"; expected one of ${DEVICES.join(', ')}`);
}

/** Providers to try, in order, for a device. CPU always ends the chain. */
export function providerChain(device: Device): readonly ExecutionProvider[] {
  switch (device) {
    case 'auto':
      return ['cuda', 'webgpu', 'cpu'];
    case 'cuda':
      return ['cuda', 'cpu'];
    case 'webgpu':
      return ['webgpu', 'cpu'];
    case 'cpu':
      return ['cpu'];
  }
}

/**
 * True when a failure says the provider itself is unusable on this machine (library or adapter missing), as
 * opposed to this one model failing on it; such a provider is skipped for every later model.
 */
export function isProviderUnavailable(reason: string): boolean {
  return /shared library|shared object|webgpu adapter|not compiled|execution provider .*not (?:supported|available)/i.test(reason);
}

/** The first line of an onnxruntime error, trimmed of its source-location prefix, for one-line logs. */
export function shortReason(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.replace(/^\/\S+:\d+ \S+(?: \S+)*?::<lambda\(\)> /, '').slice(0, 300);
}
