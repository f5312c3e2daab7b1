/** `--device` for every command: the model runtime's one device list and parser. */
import { DEVICES, parseDevice, type Device } from '../../models/onnx/providers.js';
import { UsageError } from './usage-error.js';

/** The accepted values as help text shows them: `auto|cuda|webgpu|cpu`. */
export const DEVICE_USAGE = DEVICES.join('|');

/**
 * Parses `--device` (default `auto`).
 * @throws UsageError naming the option and the accepted values
 */
export function deviceOption(value: string | undefined): Device {
  try {
    return parseDevice(value ?? 'auto');
  } catch (err) {
    throw new UsageError(`--device: ${(err as Error).message}`);
  }
}
