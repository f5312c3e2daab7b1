/** SaveImageWebsocket through the real server: PNG binary frames to the prompt's client, nothing saved, never cached. */
import { readdirSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveImageWebsocketNode } from '../../../nodes/core/save-image-websocket.js';
import { stubNodes } from '../../support/stub-nodes.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { connectWs } from '../../support/ws-client.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ nodes: [...stubNodes, saveImageWebsocketNode] });
});
afterAll(() => s.close());

const prompt = (batch: number) => ({
  '1': { class_type: 'StubImage', inputs: { width: 5, height: 3, batch, value: 0.5 } },
  '2': { class_type: 'SaveImageWebsocket', inputs: { images: ['1', 0] } },
});

const filesIn = (dir: string) => readdirSync(dir, { recursive: true }).filter((f) => !String(f).startsWith('.'));

describe('SaveImageWebsocket', () => {
  it('sends one type-1 PNG frame per image to the prompt\'s client (no preview method asked), saves nothing', async () => {
    const ws = await connectWs(s.url, { clientId: 'getter' });
    const other = await connectWs(s.url, { clientId: 'bystander' });
    const outputsBefore = filesIn(s.dirs.output).length;
    const id = (await s.postJson('/prompt', { prompt: prompt(2), client_id: 'getter' })).body.prompt_id;
    await ws.waitForDone(id);
    expect(ws.binary.length).toBe(2);
    for (const frame of ws.binary) {
      expect([frame.readUInt32BE(0), frame.readUInt32BE(4)]).toEqual([1, 2]);
      const meta = await sharp(frame.subarray(8)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', 5, 3]);
      const { data } = await sharp(frame.subarray(8)).raw().toBuffer({ resolveWithObject: true });
      expect(data[0]).toBe(128); // 0.5 × 255, rounded
    }
    expect(other.binary.length).toBe(0);
    expect(filesIn(s.dirs.output).length).toBe(outputsBefore);
    expect(filesIn(s.dirs.temp).filter((f) => !String(f).startsWith('.uploads')).length).toBe(0);
    const progress = ws.messages.filter((m) => m.type === 'progress' && m.data.node === '2').map((m) => [m.data.value, m.data.max]);
    expect(progress).toEqual([[1, 2], [2, 2]]);

    // Run again: not cached (ComfyUI's IS_CHANGED is the time), the images come again.
    const again = (await s.postJson('/prompt', { prompt: prompt(2), client_id: 'getter' })).body.prompt_id;
    await ws.waitForDone(again);
    expect(ws.binary.length).toBe(4);
    await Promise.all([ws.close(), other.close()]);
  });

  it('sends type-4 frames with metadata to a client that supports preview metadata', async () => {
    const ws = await connectWs(s.url, { clientId: 'meta', featureFlags: { supports_preview_metadata: true } });
    await new Promise((r) => setTimeout(r, 50));
    const id = (await s.postJson('/prompt', { prompt: prompt(1), client_id: 'meta' })).body.prompt_id;
    await ws.waitForDone(id);
    expect(ws.binary.length).toBe(1);
    const frame = ws.binary[0]!;
    expect(frame.readUInt32BE(0)).toBe(4);
    const len = frame.readUInt32BE(4);
    expect(JSON.parse(frame.subarray(8, 8 + len).toString())).toMatchObject({ node_id: '2', prompt_id: id, image_type: 'image/png' });
    expect((await sharp(frame.subarray(8 + len)).metadata()).format).toBe('png');
    await ws.close();
  });
});
