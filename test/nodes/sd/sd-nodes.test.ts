/**
 * The SD node pack through the real engine (validate + execute) on the tiny checkpoint: object_info shapes,
 * a txt2img prompt with per-step progress and previews, KSamplerAdvanced vs KSampler, interrupts, errors.
 */
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreNodes } from '../../../nodes/core/index.js';
import { sdNodes } from '../../../nodes/sd/index.js';
import { Engine } from '../../../server/engine/engine.js';
import type { ExecutionEvent } from '../../../server/engine/execution-events.js';
import type { NodeServices } from '../../../nodes/services.js';
import { NodeRegistry } from '../../../server/engine/registry.js';
import { createSdFixture, type SdFixture } from '../../models/sd/sd-fixture.js';

let fx: SdFixture;
let engine: Engine;
beforeAll(() => {
  fx = createSdFixture();
  const services: NodeServices = { dirs: fx.dirs, models: fx.models, previews: { method: 'latent2rgb', every: 2 } };
  engine = new Engine({ registry: new NodeRegistry([...coreNodes, ...sdNodes]), services });
});
afterAll(() => fx?.close());

type Prompt = Record<string, { class_type: string; inputs: Record<string, unknown> }>;

/** A txt2img prompt ending in a PreviewImage-free LATENT output: sampler node id "3". */
function txt2img(sampler: Record<string, unknown> = {}, advanced = false): Prompt {
  const common = { model: ['4', 0], steps: 4, cfg: 6, sampler_name: 'euler', scheduler: 'normal', positive: ['6', 0], negative: ['7', 0], latent_image: ['5', 0] };
  const node = advanced
    ? { class_type: 'KSamplerAdvanced', inputs: { ...common, add_noise: 'enable', noise_seed: 5, start_at_step: 0, end_at_step: 10000, return_with_leftover_noise: 'disable', ...sampler } }
    : { class_type: 'KSampler', inputs: { ...common, seed: 5, denoise: 1, ...sampler } };
  return {
    '4': { class_type: 'CheckpointLoaderONNX', inputs: { ckpt_name: 'tiny-sd15' } },
    '5': { class_type: 'EmptyLatentImage', inputs: { width: 64, height: 48, batch_size: 1 } },
    '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a photo of a cat', clip: ['4', 1] } },
    '7': { class_type: 'CLIPTextEncode', inputs: { text: 'blurry', clip: ['4', 1] } },
    '3': node,
    '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
    '9': { class_type: 'PreviewImage', inputs: { images: ['8', 0] } },
  };
}

async function execute(prompt: Prompt, signal?: AbortSignal, onEvent?: (e: ExecutionEvent) => void) {
  const v = await engine.validate(prompt);
  if (!v.ok) throw new Error(JSON.stringify(v.nodeErrors));
  const events: ExecutionEvent[] = [];
  const outcome = await engine.execute({
    promptId: String(Math.random()), graph: v.graph, outputs: v.outputs, prompt: v.prompt, signal,
    onEvent: (e) => {
      events.push(e);
      onEvent?.(e);
    },
  });
  return { outcome, events };
}

describe('object_info of the SD pack', () => {
  it('publishes ComfyUI names, sockets and defaults', () => {
    const info = engine.objectInfo() as Record<string, any>;
    expect(info.CheckpointLoaderONNX.input.required.ckpt_name[0]).toEqual(['tiny-sd15']);
    expect(info.CheckpointLoaderONNX.output).toEqual(['MODEL', 'CLIP', 'VAE']);
    expect(info.CLIPTextEncode.input_order.required).toEqual(['text', 'clip']);
    expect(info.EmptyLatentImage.input.required.width).toEqual(['INT', expect.objectContaining({ default: 512, min: 16, max: 16384, step: 8 })]);
    const k = info.KSampler.input.required;
    expect(info.KSampler.input_order.required).toEqual(['model', 'seed', 'steps', 'cfg', 'sampler_name', 'scheduler', 'positive', 'negative', 'latent_image', 'denoise']);
    expect(k.seed[1]).toMatchObject({ default: 0, min: 0, max: 0xffffffffffffffffn, control_after_generate: true });
    expect(k.steps[1]).toMatchObject({ default: 20, min: 1, max: 10000 });
    expect(k.cfg[1]).toMatchObject({ default: 8, min: 0, max: 100, step: 0.1, round: 0.01 });
    expect(k.sampler_name[0]).toEqual(['euler', 'euler_ancestral', 'heun', 'dpm_2', 'lms', 'dpmpp_2m', 'dpmpp_2m_sde', 'ddim', 'uni_pc']);
    expect(k.scheduler[0]).toEqual(['normal', 'karras', 'exponential', 'sgm_uniform', 'simple', 'ddim_uniform', 'beta']);
    expect(k.denoise[1]).toMatchObject({ default: 1, min: 0, max: 1, step: 0.01 });
    expect(info.KSamplerAdvanced.input_order.required).toEqual([
      'model', 'add_noise', 'noise_seed', 'steps', 'cfg', 'sampler_name', 'scheduler', 'positive', 'negative', 'latent_image',
      'start_at_step', 'end_at_step', 'return_with_leftover_noise',
    ]);
    expect(info.KSamplerAdvanced.input.required.end_at_step[1]).toMatchObject({ default: 10000 });
    expect(info.VAEDecode.output).toEqual(['IMAGE']);
    expect(info.VAEEncode.input_order.required).toEqual(['pixels', 'vae']);
  });
});

describe('KSampler through the engine', () => {
  it('runs txt2img with one progress event per step and previews every N steps', async () => {
    const { outcome, events } = await execute(txt2img());
    expect(outcome.status).toBe('success');
    const progress = events.filter((e) => e.type === 'progress' && e.node === '3');
    expect(progress.map((e) => (e as { value: number }).value)).toEqual([1, 2, 3, 4]);
    const previews = events.filter((e) => e.type === 'preview');
    expect(previews).toHaveLength(2);
    expect((previews[0] as { image: { format: string } }).image.format).toBe('jpeg');
    expect((outcome.outputs['9'] as { images: unknown[] }).images).toHaveLength(1);
  });

  it('accepts a seed of 2^64−1 from the wire', async () => {
    const { outcome } = await execute(txt2img({ seed: '18446744073709551615' }));
    expect(outcome.status).toBe('success');
  });

  it('KSamplerAdvanced over the whole range equals KSampler with the same seed', async () => {
    const pixels = async (advanced: boolean) => {
      const { outcome } = await execute(txt2img({}, advanced));
      const ref = (outcome.outputs['9'] as { images: { filename: string }[] }).images[0]!;
      return sharp(path.join(fx.dirs.temp, ref.filename)).raw().toBuffer();
    };
    const a = await pixels(false);
    expect(a.length).toBe(64 * 48 * 3);
    expect(a.equals(await pixels(true))).toBe(true);
  });

  it('stops within one step on interrupt', async () => {
    const controller = new AbortController();
    const { outcome, events } = await execute(txt2img({ steps: 30 }), controller.signal, (e) => {
      if (e.type === 'progress' && e.value === 2) controller.abort();
    });
    expect(outcome.status).toBe('interrupted');
    const steps = events.filter((e) => e.type === 'progress').map((e) => (e as { value: number }).value);
    expect(Math.max(...steps)).toBeLessThanOrEqual(3);
  });

  it('rejects unknown checkpoints at validation and names what is available', async () => {
    const p = txt2img();
    p['4']!.inputs.ckpt_name = 'missing';
    const v = await engine.validate(p);
    expect(v.ok).toBe(false);
    expect(JSON.stringify(v)).toMatch(/tiny-sd15/);
  });
});
