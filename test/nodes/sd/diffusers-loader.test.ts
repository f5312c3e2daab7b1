/**
 * Diffusers folders through the real server (docs/ldm-checkpoints.md, "Diffusers folders"): the tiny single-file
 * checkpoint's weights written in the diffusers layout (models/tiny/diffusers-folder.ts) into `models/diffusers/`
 * and `models/checkpoints/`; DiffusersLoader publishes ComfyUI's name, input and outputs; a txt2img prompt runs
 * through DiffusersLoader and through CheckpointLoaderSimple; a folder without `unet/` or with a missing key fails
 * on the loader node naming the file, and the server keeps serving.
 */
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreNodes } from '../../../nodes/core/index.js';
import { sdNodes } from '../../../nodes/sd/index.js';
import { openSafetensors } from '../../../models/safetensors/read.js';
import type { SafetensorsTensorInput } from '../../../models/safetensors/write.js';
import { writeDiffusersFolder } from '../../../models/tiny/diffusers-folder.js';
import { TINY_LDM_CONFIG } from '../../../models/tiny/ldm-checkpoint.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

let s: TestServer;
let tensors: Record<string, SafetensorsTensorInput>;

/** The tiny checkpoint's tensors (F16 → float32 → F16 is exact). */
async function tinyCheckpointTensors(file: string): Promise<Record<string, SafetensorsTensorInput>> {
  const f = await openSafetensors(file);
  const out: Record<string, SafetensorsTensorInput> = {};
  for (const [k, info] of Object.entries(f.tensors)) out[k] = { dtype: 'F16', shape: [...info.shape], data: await f.read(k) };
  await f.close();
  return out;
}

/** Writes a diffusers folder of the tiny weights (with its tokenizer) into `models/<kind>/<name>`. */
function folder(kind: 'diffusers' | 'checkpoints', name: string, t = tensors): string {
  const dir = path.join(s.dirs.models, kind, name);
  const vocabSize = t['cond_stage_model.transformer.text_model.embeddings.token_embedding.weight']!.shape[0]!;
  writeDiffusersFolder(dir, { config: { ...TINY_LDM_CONFIG, text: { ...TINY_LDM_CONFIG.text, vocabSize } }, tensors: t });
  cpSync(path.join(s.dirs.models, 'tokenizers', 'tiny-sd15'), path.join(dir, 'tokenizer'), { recursive: true });
  return name;
}

beforeAll(async () => {
  s = await startTestServer({ nodes: [...coreNodes, ...sdNodes], tinyModels: true });
  tensors = await tinyCheckpointTensors(path.join(s.dirs.models, 'checkpoints', 'tiny-sd15.safetensors'));
  folder('diffusers', 'tiny-sd15-diffusers');
  folder('checkpoints', 'tiny-sd15-diffusers');
  rmSync(path.join(s.dirs.models, 'diffusers', folder('diffusers', 'no-unet'), 'unet'), { recursive: true });
  const missing = { ...tensors };
  delete missing['first_stage_model.decoder.up.1.block.0.conv2.weight'];
  folder('diffusers', 'missing-key', missing);
  s.models.store.invalidate();
}, 60_000);
afterAll(() => s?.close());

type Prompt = Record<string, { class_type: string; inputs: Record<string, unknown> }>;

function txt2img(loader: Prompt[string]): Prompt {
  return {
    '4': loader,
    '5': { class_type: 'EmptyLatentImage', inputs: { width: 64, height: 64, batch_size: 1 } },
    '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a photo of a cat', clip: ['4', 1] } },
    '7': { class_type: 'CLIPTextEncode', inputs: { text: 'blurry', clip: ['4', 1] } },
    '3': { class_type: 'KSampler', inputs: { model: ['4', 0], seed: 5, steps: 2, cfg: 6, sampler_name: 'euler', scheduler: 'normal', positive: ['6', 0], negative: ['7', 0], latent_image: ['5', 0], denoise: 1 } },
    '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
    '9': { class_type: 'SaveImage', inputs: { images: ['8', 0], filename_prefix: 'diffusers' } },
  };
}

async function run(prompt: Prompt) {
  const reply = await s.postJson('/prompt', { prompt });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return s.waitForHistory(reply.body.prompt_id, 120_000);
}

describe('DiffusersLoader and CheckpointLoaderSimple on diffusers folders, through the server', () => {
  it('publishes ComfyUI\'s DiffusersLoader and lists the folders', async () => {
    const info = (await s.getJson('/object_info/DiffusersLoader')).body.DiffusersLoader;
    expect(info.input.required.model_path[0]).toEqual(['missing-key', 'no-unet', 'tiny-sd15-diffusers']);
    expect(info.output).toEqual(['MODEL', 'CLIP', 'VAE']);
    expect(info.category).toBe('advanced/loaders/deprecated');
    const ckpt = (await s.getJson('/object_info/CheckpointLoaderSimple')).body.CheckpointLoaderSimple;
    expect(ckpt.input.required.ckpt_name[0]).toEqual(['tiny-sd15', 'tiny-sd15-diffusers', 'tiny-sd15.safetensors']);
  });

  it('runs txt2img through DiffusersLoader and through CheckpointLoaderSimple', async () => {
    for (const loader of [
      { class_type: 'DiffusersLoader', inputs: { model_path: 'tiny-sd15-diffusers' } },
      { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'tiny-sd15-diffusers' } },
    ]) {
      const entry = await run(txt2img(loader));
      expect(entry.status.status_str, JSON.stringify(entry.status.messages)).toBe('success');
      expect(entry.outputs['9'].images).toHaveLength(1);
    }
  }, 240_000);

  it.each([
    ['no-unet', /diffusers model "no-unet" cannot be loaded: unet\/ is missing: expected unet\/diffusion_pytorch_model\.safetensors/],
    ['missing-key', /missing-key[/\\]vae[/\\]diffusion_pytorch_model\.safetensors: tensor "decoder\.up_blocks\.2\.resnets\.0\.conv2\.weight" is missing/],
  ])('%s: execution_error on the loader naming the file', async (name, message) => {
    const entry = await run(txt2img({ class_type: 'DiffusersLoader', inputs: { model_path: name } }));
    expect(entry.status.status_str).toBe('error');
    const [, error] = entry.status.messages.find((m: [string]) => m[0] === 'execution_error');
    expect(error).toMatchObject({ node_id: '4', node_type: 'DiffusersLoader' });
    expect(error.exception_message).toMatch(message);
  }, 120_000);

  it('keeps serving after the failures', async () => {
    const entry = await run(txt2img({ class_type: 'DiffusersLoader', inputs: { model_path: 'tiny-sd15-diffusers' } }));
    expect(entry.status.status_str, JSON.stringify(entry.status.messages)).toBe('success');
  }, 120_000);
});
