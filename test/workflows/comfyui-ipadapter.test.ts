/**
 * workflows/comfyui-ipadapter.json (ComfyUI's API format, as ComfyUI_IPAdapter_plus users save it) end to end on the
 * tiny .safetensors checkpoint, adapter and CLIP vision file, through the real API server and a real WebSocket
 * client: it runs; weight 0 gives exactly the image of the same graph without the adapter; another reference image,
 * another weight type or "K+V" scaling changes the image; the choices the IP UNet cannot run are refused at /prompt
 * with the node's error.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packs } from '../../app/node-packs.js';
import { parseJson } from '../../server/protocol/json-codec.js';
import { readFileSync } from 'node:fs';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { firstImage, workflowFile, writeGradientPng } from '../support/workflows.js';
import { connectWs, type WsClient } from '../support/ws-client.js';

type ApiPrompt = Record<string, { class_type: string; inputs: Record<string, unknown> }>;

const APPLY = '5';
const KSAMPLER = '9';
const base = parseJson(readFileSync(workflowFile('comfyui-ipadapter'), 'utf8')) as ApiPrompt;

function edit(inputs: Record<string, unknown>, node = APPLY, prompt: ApiPrompt = base): ApiPrompt {
  const copy = structuredClone(prompt);
  Object.assign(copy[node]!.inputs, inputs);
  return copy;
}

describe('workflows/comfyui-ipadapter.json through the API and WebSocket', () => {
  let s: TestServer;
  let ws: WsClient;
  beforeAll(async () => {
    s = await startTestServer({ nodes: Object.values(packs).flat(), tinyModels: true });
    await writeGradientPng(s.dirs.input);
    await writeGradientPng(s.dirs.input, 'other.png', 100);
    ws = await connectWs(s.url, { clientId: 'ipa' });
  });
  afterAll(async () => {
    await ws?.close();
    await s?.close();
  });

  /** Queues over HTTP, waits for the end on the WebSocket, returns the saved image's pixels. */
  async function run(prompt: ApiPrompt): Promise<Buffer> {
    const res = await s.postJson('/prompt', { prompt, client_id: 'ipa' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const id = res.body.prompt_id as string;
    await ws.waitForDone(id, 120_000);
    expect(ws.messages.some((m) => m.type === 'execution_error' && m.data.prompt_id === id), JSON.stringify(ws.messages.filter((m) => m.type === 'execution_error'))).toBe(false);
    const entry = await s.waitForHistory(id, 60_000);
    expect(entry.status.status_str, JSON.stringify(entry.status.messages)).toBe('success');
    return sharp(await s.view(firstImage(entry))).raw().toBuffer();
  }

  it('runs, and the WebSocket reports the IPAdapterAdvanced node executing', async () => {
    const from = ws.messages.length;
    const px = await run(base);
    expect(px.length).toBe(128 * 128 * 3);
    expect(ws.messages.slice(from).some((m) => m.type === 'executing' && m.data.node === APPLY)).toBe(true);
  }, 180_000);

  it('at weight 0 equals the graph without the adapter; a different image or weight type changes the output', async () => {
    const on = await run(base);
    const plain = await run(edit({ model: ['1', 0] }, KSAMPLER));
    expect(await run(edit({ weight: 0 }))).toEqual(plain);
    expect(on.equals(plain)).toBe(false);
    const otherImage = edit({ image: 'other.png' }, '4');
    expect((await run(otherImage)).equals(on)).toBe(false);
    expect((await run(edit({ weight_type: 'style transfer' }))).equals(on)).toBe(false);
    expect((await run(edit({ embeds_scaling: 'K+V' }))).equals(on)).toBe(false);
  }, 300_000);

  it('refuses what the IP UNet cannot run, naming the node and the input', async () => {
    for (const [inputs, pattern] of [
      [{ weight_type: 'composition precise' }, /swaps the image tokens per layer/],
      [{ embeds_scaling: 'K+V w/ C penalty' }, /scales each layer by its width/],
      [{ weight_type: 'ease in', embeds_scaling: 'K+V' }, /"K\+V" needs one weight on every active layer/],
    ] as const) {
      const res = await s.postJson('/prompt', { prompt: edit(inputs) });
      expect(res.status).toBe(400);
      const errors = res.body.node_errors[APPLY].errors as { type: string; details: string }[];
      expect(errors[0]!.type).toBe('custom_validation_failed');
      expect(errors.map((e) => e.details).join('\n')).toMatch(pattern);
    }
    const masked: ApiPrompt = edit({ attn_mask: ['4', 1] });
    const res = await s.postJson('/prompt', { prompt: masked });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.node_errors[APPLY])).toMatch(/attn_mask is not supported yet/);
  });
});
