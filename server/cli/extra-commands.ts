/** Commands contributed by the model packs (iqa, i2t, declip), loaded lazily so `serve` starts fast. */
import type { CliCommand } from './main.js';

export const extraCommands: Record<string, () => Promise<CliCommand>> = {};
