/** WebSocket protocol: greeting, feature_flags handshake, binary frames, and owner vs broadcast routing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { int } from '../../../server/engine/inputs.js';
import { defineNode } from '../../../server/engine/node-definition.js';
import { previewFrame, previewWithMetadataFrame, textFrame } from '../../../server/api/ws-frames.js';
import { stubNodes } from '../../support/stub-nodes.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { connectWs, type WsClient } from '../../support/ws-client.js';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);

/** An output node that sends one preview and one text line. */
const Previewer = defineNode({
  type: 'TestPreviewer',
  category: 'testing',
  outputNode: true,
  inputs: { required: { n: int({ default: 1 }) } },
  outputs: [],
  run(ctx) {
    ctx.progress(1, 2, { format: 'png', data: PNG });
    ctx.text('héllo');
    return { ui: { text: ['done'] } };
  },
});

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ nodes: [...stubNodes, Previewer] });
});
afterAll(() => s.close());

describe('binary frames', () => {
  it('encodes big-endian type 1, 3 and 4 frames', () => {
    const t1 = previewFrame({ format: 'jpeg', data: new Uint8Array([9]) });
    expect([...t1]).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 9]);
    const t3 = textFrame('12', 'ok');
    expect([...t3]).toEqual([0, 0, 0, 3, 0, 0, 0, 2, 0x31, 0x32, 0x6f, 0x6b]);
    const meta = { node_id: '1', prompt_id: 'p', display_node_id: '1', parent_node_id: null, real_node_id: '1', image_type: 'image/png' as const };
    const t4 = previewWithMetadataFrame({ format: 'png', data: new Uint8Array([7]) }, meta);
    const len = t4.readUInt32BE(4);
    expect(t4.readUInt32BE(0)).toBe(4);
    expect(JSON.parse(t4.subarray(8, 8 + len).toString())).toEqual(meta);
    expect([...t4.subarray(8 + len)]).toEqual([7]);
  });
});

describe('WebSocket /ws', () => {
  let plain: WsClient;
  let modern: WsClient;
  beforeAll(async () => {
    plain = await connectWs(s.url, { clientId: 'plain' });
    modern = await connectWs(s.url, { clientId: 'modern', featureFlags: { supports_preview_metadata: true } });
  });
  afterAll(async () => {
    await plain.close();
    await modern.close();
  });

  it('greets with status + sid, and answers a feature_flags announcement with the server flags', async () => {
    expect(plain.messages[0]).toEqual({ type: 'status', data: { status: { exec_info: { queue_remaining: 0 } }, sid: 'plain' } });
    const flags = await modern.waitFor((m) => m.type === 'feature_flags');
    expect(flags.data).toEqual({ supports_preview_metadata: true, max_upload_size: 100 * 1024 * 1024 });
    expect(plain.messages.some((m) => m.type === 'feature_flags')).toBe(false);
  });

  it('sends type-4 previews to clients that support metadata, type 1 otherwise; text as type 3', async () => {
    for (const owner of [plain, modern]) {
      const id = (await s.postJson('/prompt', { prompt: { p: { class_type: 'TestPreviewer', inputs: { n: owner === plain ? 1 : 2 } } }, client_id: owner === plain ? 'plain' : 'modern', extra_data: { preview_method: 'latent2rgb' } })).body.prompt_id;
      await owner.waitForDone(id);
    }
    expect(plain.binary.map((b) => b.readUInt32BE(0))).toEqual([1, 3]);
    expect(plain.binary[0]!.readUInt32BE(4)).toBe(2); // PNG
    expect([...plain.binary[0]!.subarray(8)]).toEqual([...PNG]);
    const text = plain.binary[1]!;
    const idLen = text.readUInt32BE(4);
    expect(text.subarray(8, 8 + idLen).toString()).toBe('p');
    expect(text.subarray(8 + idLen).toString()).toBe('héllo');
    expect(modern.binary.map((b) => b.readUInt32BE(0))).toEqual([4, 3]);
    const m = modern.binary[0]!;
    const meta = JSON.parse(m.subarray(8, 8 + m.readUInt32BE(4)).toString());
    expect(meta).toMatchObject({ node_id: 'p', display_node_id: 'p', real_node_id: 'p', image_type: 'image/png' });
  });

  it('sends step previews only to prompts that asked for them (extra_data.preview_method, ComfyUI default none)', async () => {
    const from = plain.binary.length;
    const silent = (await s.postJson('/prompt', { prompt: { p: { class_type: 'TestPreviewer', inputs: { n: 5 } } }, client_id: 'plain' })).body.prompt_id;
    await plain.waitForDone(silent);
    const none = (await s.postJson('/prompt', { prompt: { p: { class_type: 'TestPreviewer', inputs: { n: 6 } } }, client_id: 'plain', extra_data: { preview_method: 'none' } })).body.prompt_id;
    await plain.waitForDone(none);
    expect(plain.binary.slice(from).map((b) => b.readUInt32BE(0))).toEqual([3, 3]);
  });

  it('owner-only messages go to the owner alone; without client_id they are not sent, progress is broadcast', async () => {
    const fromPlain = plain.messages.length;
    const fromModern = modern.messages.length;
    const owned = (await s.postJson('/prompt', { prompt: { q: { class_type: 'TestPreviewer', inputs: { n: 3 } } }, client_id: 'plain' })).body.prompt_id;
    await plain.waitForDone(owned);
    expect(modern.messages.slice(fromModern).filter((m) => m.data?.prompt_id === owned)).toEqual([]);
    expect(modern.messages.slice(fromModern).some((m) => m.type === 'status')).toBe(true);
    expect(plain.messages.slice(fromPlain).filter((m) => m.data?.prompt_id === owned).length).toBeGreaterThan(3);

    const from = modern.messages.length;
    const orphan = (await s.postJson('/prompt', { prompt: { r: { class_type: 'TestPreviewer', inputs: { n: 4 } } } })).body.prompt_id;
    await modern.waitFor((m) => m.type === 'status' && m.data.status.exec_info.queue_remaining === 0, { from: from + 1 });
    const types = modern.messages.slice(from).filter((m) => m.data?.prompt_id === orphan).map((m) => m.type);
    expect(types).toEqual(['progress']);
    expect((await s.getJson(`/history/${orphan}`)).body[orphan].status.status_str).toBe('success');
  });

  it('a reconnecting owner is told which node runs', async () => {
    const id = (await s.postJson('/prompt', { prompt: { z: { class_type: 'Sleep', inputs: { ms: 20_000, steps: 1000 } }, zo: { class_type: 'StubOutput', inputs: { value: ['z', 0] } } }, client_id: 'again' })).body.prompt_id;
    const first = await connectWs(s.url, { clientId: 'again' });
    await first.waitFor((m) => m.type === 'progress' && m.data.prompt_id === id);
    await first.close();
    const second = await connectWs(s.url, { clientId: 'again' });
    const greeting = await second.waitFor((m) => m.type === 'executing');
    expect(greeting.data).toEqual({ node: 'z' });
    await s.postJson('/interrupt', { prompt_id: id });
    await second.waitForDone(id);
    await second.close();
  });
});
