/**
 * CheckpointLoaderSimple, VAELoader and CLIPSetLastLayer through the real engine on the tiny single-file
 * checkpoint of the default set (real LDM key layout, converted on first use), plus the loader's errors for files
 * that are not SD1.5 checkpoints: each names the file and what it is, and the engine keeps running prompts.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreNodes } from '../../../nodes/core/index.js';
import { sdNodes } from '../../../nodes/sd/index.js';
import type { NodeServices } from '../../../nodes/services.js';
import { encodeSafetensors } from '../../../models/safetensors/write.js';
import { Engine } from '../../../server/engine/engine.js';
import { NodeRegistry } from '../../../server/engine/registry.js';
import { createSdFixture, type SdFixture } from '../../models/sd/sd-fixture.js';

let fx: SdFixture;
let engine: Engine;
beforeAll(() => {
  fx = createSdFixture();
  const services: NodeServices = { dirs: fx.dirs, models: fx.models, previews: { method: 'none' } };
  engine = new Engine({ registry: new NodeRegistry([...coreNodes, ...sdNodes]), services });
});
afterAll(() => fx?.close());

type Prompt = Record<string, { class_type: string; inputs: Record<string, unknown> }>;

function txt2img(o: { ckpt?: string; vae?: string; clipSkip?: number } = {}): Prompt {
  const clip = o.clipSkip === undefined ? ['4', 1] : ['10', 0];
  const prompt: Prompt = {
    '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: o.ckpt ?? 'tiny-sd15.safetensors' } },
    '5': { class_type: 'EmptyLatentImage', inputs: { width: 64, height: 64, batch_size: 1 } },
    '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a photo of a cat', clip } },
    '7': { class_type: 'CLIPTextEncode', inputs: { text: 'blurry', clip } },
    '3': { class_type: 'KSampler', inputs: { model: ['4', 0], seed: 5, steps: 2, cfg: 6, sampler_name: 'euler', scheduler: 'normal', positive: ['6', 0], negative: ['7', 0], latent_image: ['5', 0], denoise: 1 } },
    '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: o.vae ? ['11', 0] : ['4', 2] } },
    '9': { class_type: 'PreviewImage', inputs: { images: ['8', 0] } },
  };
  if (o.clipSkip !== undefined) prompt['10'] = { class_type: 'CLIPSetLastLayer', inputs: { clip: ['4', 1], stop_at_clip_layer: o.clipSkip } };
  if (o.vae) prompt['11'] = { class_type: 'VAELoader', inputs: { vae_name: o.vae } };
  return prompt;
}

async function execute(prompt: Prompt) {
  fx.models.store.invalidate();
  const v = await engine.validate(prompt);
  if (!v.ok) throw new Error(JSON.stringify(v.nodeErrors));
  return engine.execute({ promptId: String(Math.random()), graph: v.graph, outputs: v.outputs, prompt: v.prompt, onEvent: () => {} });
}

function ckptFile(name: string, bytes: Uint8Array): string {
  writeFileSync(path.join(fx.dirs.models, 'checkpoints', name), bytes);
  return name;
}

describe('CheckpointLoaderSimple', () => {
  it('publishes ComfyUI names, sockets and the .safetensors checkpoints', () => {
    const info = engine.objectInfo() as Record<string, any>;
    expect(info.CheckpointLoaderSimple.input.required.ckpt_name[0]).toEqual(['tiny-sd15', 'tiny-sd15.safetensors']);
    expect(info.CheckpointLoaderSimple.output).toEqual(['MODEL', 'CLIP', 'VAE']);
    expect(info.CheckpointLoaderSimple.display_name).toBe('Load Checkpoint');
    expect(info.CLIPSetLastLayer.input.required.stop_at_clip_layer).toEqual(['INT', expect.objectContaining({ default: -1, min: -24, max: -1, step: 1 })]);
    expect(info.VAELoader.input.required.vae_name[0]).toEqual(['tiny-vae.safetensors']);
    expect(info.VAELoader.output).toEqual(['VAE']);
  });

  it('runs txt2img on the converted single-file checkpoint', async () => {
    const outcome = await execute(txt2img());
    expect(outcome.status).toBe('success');
    expect((outcome.outputs['9'] as { images: unknown[] }).images).toHaveLength(1);
  }, 120_000);

  it('runs with a VAELoader VAE and CLIPSetLastLayer −1; refuses a layer the tower lacks', async () => {
    expect((await execute(txt2img({ vae: 'tiny-vae.safetensors', clipSkip: -1 }))).status).toBe('success');
    const bad = await execute(txt2img({ clipSkip: -2 }));
    expect(bad.status).toBe('error');
    if (bad.status === 'error') {
      expect(bad.error.nodeType).toBe('CLIPSetLastLayer');
      expect(bad.error.exceptionMessage).toMatch(/has 1 layers; stop_at_clip_layer -2/);
    }
  }, 120_000);
});

describe('CheckpointLoaderSimple errors name the file and what it is', () => {
  const tensor = (shape: number[]) => ({ dtype: 'F16' as const, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
  const real = () => readFileSync(path.join(fx.dirs.models, 'checkpoints', 'tiny-sd15.safetensors'));
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['sdxl.safetensors', () => encodeSafetensors({ 'model.diffusion_model.input_blocks.0.0.weight': tensor([320, 4, 3, 3]), 'conditioner.embedders.0.x': tensor([1]) }), /sdxl\.safetensors is an SDXL checkpoint, not an SD1\.5 checkpoint/],
    ['sd2.safetensors', () => encodeSafetensors({ 'model.diffusion_model.input_blocks.0.0.weight': tensor([320, 4, 3, 3]), 'cond_stage_model.model.ln_final.weight': tensor([1024]) }), /sd2\.safetensors is an SD2\.x checkpoint/],
    ['lora.safetensors', () => encodeSafetensors({ 'lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight': tensor([4, 4]) }), /lora\.safetensors is a LoRA/],
    ['embedding.safetensors', () => encodeSafetensors({ emb_params: tensor([2, 768]) }), /embedding\.safetensors is a textual inversion embedding/],
    ['truncated.safetensors', () => real().subarray(0, 4_000_000), /truncated\.safetensors.*(outside|truncated)/],
    ['lying.safetensors', () => {
      const b = Buffer.from(real());
      const n = Number(b.readBigUInt64LE(0));
      const json = JSON.parse(b.subarray(8, 8 + n).toString('utf8'));
      const k = 'model.diffusion_model.out.2.bias';
      json[k].data_offsets = [json[k].data_offsets[0] + 999_999_992, json[k].data_offsets[1] + 999_999_992];
      const header = Buffer.from(JSON.stringify(json));
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(header.length));
      return Buffer.concat([len, header, b.subarray(8 + n)]);
    }, /lying\.safetensors: tensor "model\.diffusion_model\.out\.2\.bias" offsets .* outside the .*data section/],
    ['missing-key.safetensors', () => {
      const b = Buffer.from(real());
      const n = Number(b.readBigUInt64LE(0));
      const header = b.subarray(8, 8 + n).toString('utf8').replace('"model.diffusion_model.out.2.weight"', '"model.diffusion_model.out.9.weight"');
      return Buffer.concat([b.subarray(0, 8), Buffer.from(header), b.subarray(8 + n)]);
    }, /missing-key\.safetensors: tensor "model\.diffusion_model\.out\.2\.weight" is missing/],
    ['wrong-shape.safetensors', () => {
      const b = Buffer.from(real());
      const n = Number(b.readBigUInt64LE(0));
      const json = JSON.parse(b.subarray(8, 8 + n).toString('utf8'));
      const k = 'model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight';
      json[k].shape = [16, 64]; // same byte size as the real [32, 32], so only the architecture check can catch it
      const header = JSON.stringify(json).padEnd(n, ' ');
      return Buffer.concat([b.subarray(0, 8), Buffer.from(header), b.subarray(8 + n)]);
    }, /wrong-shape\.safetensors: tensor "model\.diffusion_model\.input_blocks\.1\.1\.transformer_blocks\.0\.attn1\.to_q\.weight" is \[16, 64\] but .* needs \[32, 32\]/],
  ];

  it.each(cases)('%s', async (name, bytes, message) => {
    const outcome = await execute(txt2img({ ckpt: ckptFile(name, bytes()) }));
    expect(outcome.status).toBe('error');
    if (outcome.status !== 'error') return;
    expect(outcome.error.nodeType).toBe('CheckpointLoaderSimple');
    expect(outcome.error.exceptionMessage).toMatch(message);
  }, 60_000);

  it('keeps running prompts after the failures, and names a missing tokenizer', async () => {
    copyFileSync(path.join(fx.dirs.models, 'checkpoints', 'tiny-sd15.safetensors'), path.join(fx.dirs.models, 'checkpoints', 'copy.safetensors'));
    const outcome = await execute(txt2img({ ckpt: 'copy.safetensors' }));
    expect(outcome.status).toBe('error');
    if (outcome.status === 'error') expect(outcome.error.exceptionMessage).toMatch(/copy\.safetensors: a single-file checkpoint carries no tokenizer.*tokenizers[/\\]clip-vit-large-patch14/);
    expect((await execute(txt2img())).status).toBe('success');
  }, 120_000);
});
