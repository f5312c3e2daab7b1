/**
 * A real API server (port 0) with the core, SD, DeCLIP and DP-Adapter packs over the tiny models, for the
 * DP-Adapter workflow tests; plus the reference image they load and the UI-workflow helpers.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { parseJson, stringifyJson } from '../../../server/api/json-codec.js';
import { startServer, type RunningServer } from '../../../server/api/server.js';
import { Engine } from '../../../server/engine/engine.js';
import { NodeRegistry } from '../../../server/engine/registry.js';
import { uiToApi, type ObjectInfo } from '../../../server/protocol/ui-to-api.js';
import { coreNodes } from '../../../nodes/core/index.js';
import { declipNodes } from '../../../nodes/declip/index.js';
import { dpAdapterNodes } from '../../../nodes/dp-adapter/index.js';
import { sdNodes } from '../../../nodes/sd/index.js';
import { createIpFixture, type IpFixture } from '../../models/ip-adapter/fixture.js';
import { REPO } from '../sd/sd-server.js';

export { REPO };

/** The shipped workflows of this pack. */
export type DpWorkflowName = 'dp-adapter-perceptual-image' | 'dp-adapter-semantic-image' | 'quality-gated-txt2img';

/** A shipped UI workflow, parsed. */
export function loadDpWorkflow(name: DpWorkflowName): Record<string, any> {
  return JSON.parse(readFileSync(path.join(REPO, 'workflows', `${name}.json`), 'utf8'));
}

/** Sets a widget value of a UI node (by node id and widget position) in a copy. */
export function withWidget(workflow: Record<string, any>, nodeId: number, index: number, value: unknown): Record<string, any> {
  const copy = structuredClone(workflow);
  copy.nodes.find((n: { id: number }) => n.id === nodeId).widgets_values[index] = value;
  return copy;
}

/** Writes a `file` PNG (a colour gradient, `hue` shifts it) into an input folder: the reference image. */
export async function writeReference(inputDir: string, file = 'example.png', hue = 0): Promise<void> {
  const w = 96;
  const h = 80;
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px.set([(x * 255) / w, (y * 255) / h, (128 + hue) % 256], (y * w + x) * 3);
  await sharp(px, { raw: { width: w, height: h, channels: 3 } }).png().toFile(path.join(inputDir, file));
}

export interface DpServer {
  readonly fx: IpFixture;
  readonly server: RunningServer;
  readonly url: string;
  readonly engine: Engine;
  /** Converts a UI workflow with the server's object_info and queues it; resolves to the prompt id. */
  queueWorkflow(workflow: Record<string, any>): Promise<string>;
  /** Polls /history until the prompt has finished; returns its history entry. */
  waitForHistory(promptId: string, timeoutMs?: number): Promise<any>;
  /** The bytes of an output file via /view. */
  view(ref: { filename: string; subfolder: string; type: string }): Promise<Buffer>;
  close(): Promise<void>;
}

/** Starts the server with `example.png` in its input folder; `close()` removes everything. */
export async function startDpServer(): Promise<DpServer> {
  const fx = createIpFixture();
  await writeReference(fx.dirs.input);
  const registry = new NodeRegistry([...coreNodes, ...sdNodes, ...declipNodes, ...dpAdapterNodes]);
  const engine = new Engine({ registry, services: { dirs: fx.dirs, models: fx.models } });
  const server = await startServer({ port: 0, engine, dirs: fx.dirs, log: () => {} });
  const url = server.url;
  return {
    fx, server, url, engine,
    async queueWorkflow(workflow) {
      const prompt = uiToApi(workflow as never, engine.objectInfo() as unknown as ObjectInfo);
      const body = { prompt, extra_data: { extra_pnginfo: { workflow } } };
      const res = await fetch(`${url}/prompt`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: stringifyJson(body) });
      const reply = parseJson(await res.text()) as { prompt_id?: string };
      if (res.status !== 200 || !reply.prompt_id) throw new Error(`POST /prompt → ${res.status}: ${JSON.stringify(reply)}`);
      return reply.prompt_id;
    },
    async waitForHistory(promptId, timeoutMs = 60_000) {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        const res = await fetch(`${url}/history/${promptId}`);
        const entry = (parseJson(await res.text()) as Record<string, any>)?.[promptId];
        if (entry?.status?.completed || entry?.status?.status_str === 'error') return entry;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`prompt ${promptId} did not finish within ${timeoutMs} ms`);
    },
    async view(ref) {
      const res = await fetch(`${url}/view?${new URLSearchParams(ref)}`);
      if (res.status !== 200) throw new Error(`/view ${JSON.stringify(ref)} → ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    },
    async close() {
      await server.close();
      await fx.close();
    },
  };
}
