/**
 * Broken CLIP `.safetensors` files on DeCLIPLoader through the real server: workflows/iqa-score.json is queued over
 * HTTP with the loader pointed at a copy of the tiny CLIP folder whose `model.safetensors` misses a key, has a
 * wrong shape, is cut short or has a header that lies about its offsets. Each run ends in ComfyUI's
 * `execution_error` on the loader node, naming the file and the problem: a file whose header the store refuses
 * is still a choice (as ComfyUI lists every file), so the loader says why instead of "value not in list". The
 * server keeps serving the good model afterwards.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packs } from '../../../app/node-packs.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { loadWorkflow, withWidget, writeGradientPng } from '../../support/workflows.js';

const LOADER = 4;
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ nodes: Object.values(packs).flat(), tinyModels: true });
  await writeGradientPng(s.dirs.input);
  await writeGradientPng(s.dirs.input, 'example-degraded.png', 100);
});
afterAll(async () => {
  await s?.close();
});

/** The tiny CLIP's bytes split into header JSON and data. */
function tinyClip(): { header: Record<string, any>; length: number; data: Buffer } {
  const b = readFileSync(path.join(s.dirs.models, 'clip', 'tiny-clip', 'model.safetensors'));
  const length = Number(b.readBigUInt64LE(0));
  return { header: JSON.parse(b.subarray(8, 8 + length).toString('utf8')), length, data: b.subarray(8 + length) };
}

function encode(header: Record<string, unknown>, data: Buffer, padTo = 0): Buffer {
  const json = Buffer.from(JSON.stringify(header).padEnd(padTo, ' '));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, data]);
}

/** A copy of the tiny CLIP folder (config, tokenizer) with other weights bytes; returns its store name. */
function clipFolder(name: string, weights: Buffer): string {
  const dir = path.join(s.dirs.models, 'clip', name);
  cpSync(path.join(s.dirs.models, 'clip', 'tiny-clip'), dir, { recursive: true });
  writeFileSync(path.join(dir, 'model.safetensors'), weights);
  s.models.store.invalidate();
  return name;
}

const cases: [string, () => Buffer, RegExp][] = [
  ['missing-key', () => {
    const { header, length, data } = tinyClip();
    header['vision_model.encoder.layers.0.mlp.fc9.bias'] = header['vision_model.encoder.layers.0.mlp.fc1.bias'];
    delete header['vision_model.encoder.layers.0.mlp.fc1.bias'];
    return encode(header, data, length);
  }, /missing-key[/\\]model\.safetensors: tensor "vision_model\.encoder\.layers\.0\.mlp\.fc1\.bias" is missing/],
  ['wrong-shape', () => {
    const { header, length, data } = tinyClip();
    header['vision_model.encoder.layers.0.self_attn.q_proj.weight'].shape = [32, 128]; // same bytes as [64, 64]
    return encode(header, data, length);
  }, /wrong-shape[/\\]model\.safetensors: tensor "vision_model\.encoder\.layers\.0\.self_attn\.q_proj\.weight" is \[32, 128\] but .*needs \[64, 64\]/],
  ['truncated', () => {
    const b = readFileSync(path.join(s.dirs.models, 'clip', 'tiny-clip', 'model.safetensors'));
    return b.subarray(0, b.length - 4096);
  }, /truncated[/\\]model\.safetensors: .*(outside|truncated)/],
  ['lying-header', () => {
    const { header, length, data } = tinyClip();
    const t = header['text_projection.weight'];
    t.data_offsets = [t.data_offsets[0], t.data_offsets[0] + 12]; // the shape needs 64·64·4 bytes
    return encode(header, data, length);
  }, /lying-header[/\\]model\.safetensors: tensor "text_projection\.weight" F32 \[64,64\] needs 16384 bytes/],
];

describe('DeCLIPLoader on a broken CLIP .safetensors, through the server', () => {
  it.each(cases)('%s: execution_error on the loader naming the file and the problem', async (name, bytes, message) => {
    const workflow = withWidget(loadWorkflow('iqa-score'), LOADER, 0, clipFolder(name, bytes()));
    const id = await s.queueWorkflow(workflow);
    const entry = await s.waitForHistory(id, 60_000);
    expect(entry.status.status_str).toBe('error');
    const [, error] = entry.status.messages.find((m: [string]) => m[0] === 'execution_error');
    expect(error).toMatchObject({ prompt_id: id, node_id: String(LOADER), node_type: 'DeCLIPLoader' });
    expect(error.exception_message).toMatch(message);
  }, 60_000);

  it('keeps serving: the good tiny CLIP still scores after the failures', async () => {
    const id = await s.queueWorkflow(loadWorkflow('iqa-score'));
    const entry = await s.waitForHistory(id, 60_000);
    expect(entry.status.status_str, JSON.stringify(entry.status.messages)).toBe('success');
    expect((await s.getJson('/system_stats')).status).toBe(200);
  }, 60_000);
});
