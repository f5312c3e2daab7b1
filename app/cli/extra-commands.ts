/** Commands contributed by the model packs (iqa, i2t, declip), loaded lazily so `serve` starts fast. */
import type { CliCommand } from './command.js';

export const extraCommands: Record<string, () => Promise<CliCommand>> = {
  iqa: async () => (await import('./iqa-command.js')).iqaCommand,
  i2t: async () => (await import('./i2t-command.js')).i2tCommand,
  declip: async () => (await import('./declip-command.js')).declipCommand,
};
