/**
 * The model conversions the nodes use, run off the event loop (models/off-thread/off-thread.ts). The converters
 * themselves stay plain library functions, called in-thread by tests, benches and the CLI.
 */
import type { convertClipFile } from '../clip/convert-clip.js';
import type { loadIpAdapterWeights } from '../ip-adapter/weights.js';
import type { convertLdmCheckpoint, convertLdmVae, textEncoderForLayer } from '../ldm/convert.js';
import type { ensureIpUnet } from '../ldm/ip-unet.js';
import { offThread } from './off-thread.js';

const LDM = new URL('../ldm/convert.ts', import.meta.url);

export const convertLdmCheckpointOffThread = offThread<typeof convertLdmCheckpoint>(LDM, 'convertLdmCheckpoint');
export const convertLdmVaeOffThread = offThread<typeof convertLdmVae>(LDM, 'convertLdmVae');
export const textEncoderForLayerOffThread = offThread<typeof textEncoderForLayer>(LDM, 'textEncoderForLayer');
export const ensureIpUnetOffThread = offThread<typeof ensureIpUnet>(new URL('../ldm/ip-unet.ts', import.meta.url), 'ensureIpUnet');
export const convertClipFileOffThread = offThread<typeof convertClipFile>(new URL('../clip/convert-clip.ts', import.meta.url), 'convertClipFile');
export const loadIpAdapterWeightsOffThread = offThread<typeof loadIpAdapterWeights>(new URL('../ip-adapter/weights.ts', import.meta.url), 'loadIpAdapterWeights');
