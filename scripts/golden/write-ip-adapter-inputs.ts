/**
 * Writes what scripts/golden/ip_adapter_golden.py runs the IP-Adapter reference on: the LDM golden checkpoint
 * (GOLDEN_LDM_CONFIG, seed 42, F32), the golden adapter in the ip-adapter_sd15 layout (seed 7, F32) and the inputs
 * of test/models/ldm/golden-config.ts as raw little-endian float32 files with their shapes in inputs.json.
 * Usage: node --import tsx scripts/golden/write-ip-adapter-inputs.ts OUT_DIR
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeSafetensors } from '../../models/safetensors/write.js';
import { buildIpAdapterTensors, ipAdapterMetadata } from '../../models/tiny/ip-adapter.js';
import { buildLdmCheckpointTensors } from '../../models/tiny/ldm-checkpoint.js';
import {
  GOLDEN_IP_ADAPTER_CONFIG, GOLDEN_IP_SEED, GOLDEN_LDM_CONFIG, GOLDEN_SEED, goldenInputs, goldenIpInputs,
} from '../../test/models/ldm/golden-config.js';

const out = process.argv[2];
if (!out) {
  console.error('usage: write-ip-adapter-inputs.ts OUT_DIR');
  process.exit(2);
}
writeSafetensors(path.join(out, 'checkpoint.safetensors'), buildLdmCheckpointTensors(GOLDEN_LDM_CONFIG, GOLDEN_SEED, 'F32'));
writeSafetensors(
  path.join(out, 'adapter.safetensors'),
  buildIpAdapterTensors(GOLDEN_IP_ADAPTER_CONFIG, GOLDEN_IP_SEED, 'F32'),
  ipAdapterMetadata(GOLDEN_IP_ADAPTER_CONFIG, GOLDEN_IP_SEED),
);
const { sample, timestep, context } = goldenInputs();
const { imageEmbeds, scales } = goldenIpInputs();
const shapes: Record<string, number[]> = {};
for (const [name, t] of Object.entries({ sample, timestep, context, imageEmbeds, scales })) {
  writeFileSync(path.join(out, `${name}.f32`), new Uint8Array(Float32Array.from(t.data).buffer));
  shapes[name] = t.dims;
}
writeFileSync(path.join(out, 'inputs.json'), JSON.stringify(shapes));
console.log(`wrote ${out}/{checkpoint,adapter}.safetensors and ${Object.keys(shapes).length} inputs`);
