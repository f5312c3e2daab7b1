/**
 * IP-Adapter inside the built UNet (docs/ldm-checkpoints.md): the converted checkpoint's UNet graph rebuilt with
 * IP-Adapter's decoupled cross-attention in each of its 16 attn2 layers, from `ip_adapter.{2i+1}.to_k_ip/to_v_ip`
 * of an `ip-adapter_sd15.safetensors` file, with the `ipadapter_scale` [16] input. It sits next to the plain UNet
 * as `unet_ip-<adapter hash>.onnx`, reads the UNet's weights from `unet.onnx.data` (nothing is copied) and the
 * adapter's from its own data file. The signature is the IP UNet convention of docs/model-folders.md, so the
 * samplers' IP feed (image tokens appended last, scale per step inside the start/end window) runs it unchanged.
 */
import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { openSafetensors } from '../safetensors/read.js';
import { writeFileAtomic } from '../tiny/write-file.js';
import { WeightPlan } from '../weights/weight-plan.js';
import { openCheckpointSource } from './checkpoint-source.js';
import { readConversion } from './convert.js';
import { sourceHash } from './source-hash.js';
import { crossAttentionLayers, readUnetStructure } from './unet-config.js';
import { buildLdmUnet } from './unet-graph.js';

/** Options of {@link ensureIpUnet}. */
export interface IpUnetOptions {
  /** The converted checkpoint's cache folder (`SdModel.conversionDir`). */
  readonly conversionDir: string;
  /** The adapter's safetensors file. */
  readonly adapterFile: string;
  /** Image tokens the adapter appends (4 per image for ip-adapter_sd15). */
  readonly tokens: number;
  readonly signal?: AbortSignal;
}

/**
 * The IP UNet graph of a converted checkpoint and an adapter, built on first use.
 * @throws when the conversion is gone, or an adapter layer is missing or does not fit the UNet's attn2 widths
 */
export async function ensureIpUnet(o: IpUnetOptions): Promise<string> {
  const conversion = readConversion(o.conversionDir);
  if (!conversion) throw new Error(`the converted checkpoint in ${o.conversionDir} is gone (cache cleared?); load the checkpoint again`);
  const hash = (await sourceHash(o.adapterFile, path.dirname(o.conversionDir), o.signal)).slice(0, 24);
  // 4 tokens (one image) keeps the plain name; IPAdapter's "concat" of N images appends 4·N tokens.
  const model = path.join(o.conversionDir, `unet_ip-${hash}${o.tokens === 4 ? '' : `-t${o.tokens}`}.onnx`);
  if (existsSync(model)) return model;
  // The checkpoint as the converter read it (a single file or a diffusers folder in LDM keys, with its heads).
  const [source, adapter] = await Promise.all([openCheckpointSource(conversion.source), openSafetensors(o.adapterFile)]);
  try {
    const { tensors } = source.file;
    const unetW = new WeightPlan({ file: conversion.source, tensors, location: conversion.unet.data, written: conversion.unet.slots, origin: source.origin });
    const structure = readUnetStructure(unetW, Object.keys(tensors), source.unetHeads);
    const layers = crossAttentionLayers(structure).length;
    if (layers !== 16) throw new Error(`${conversion.source}: the UNet has ${layers} cross-attention layers; ip-adapter_sd15 patches 16`);
    const dataName = `unet_ip-${hash}.onnx.data`;
    const ipW = new WeightPlan({ file: o.adapterFile, tensors: adapter.tensors, location: dataName });
    const graph = buildLdmUnet({ structure, weights: unetW, ip: { weights: ipW, tokens: o.tokens } });
    // The adapter's weights do not depend on the token count: graphs for other counts share one data file.
    if (!existsSync(path.join(o.conversionDir, dataName))) {
      const tmpData = path.join(o.conversionDir, `${dataName}.${process.pid}.tmp`);
      await ipW.writeData(adapter, tmpData, o.signal);
      await rename(tmpData, path.join(o.conversionDir, dataName));
    }
    writeFileAtomic(model, graph.toBytes());
    return model;
  } finally {
    await Promise.all([source.file.close(), adapter.close()]);
  }
}
