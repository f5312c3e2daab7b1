/**
 * A real API server (port 0) around an engine with the core and SD packs and a CPU model runtime on the tiny
 * models, for the workflow tests; plus the CLI runner and UI-workflow helpers they share.
 */
import { execFile } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseJson, stringifyJson } from '../../../server/api/json-codec.js';
import { startServer, type RunningServer } from '../../../server/api/server.js';
import { Engine } from '../../../server/engine/engine.js';
import { NodeRegistry } from '../../../server/engine/registry.js';
import { uiToApi, type ObjectInfo } from '../../../server/protocol/ui-to-api.js';
import { coreNodes } from '../../../nodes/core/index.js';
import { sdNodes } from '../../../nodes/sd/index.js';
import { createSdFixture, type SdFixture } from '../../models/sd/sd-fixture.js';
import { TINY_DEFAULT_SEED } from '../../../models/tiny/setup.js';
import { MEDIUM_UNET_CONFIG, buildUnet } from '../../../models/tiny/unet.js';
import { writeFileAtomic } from '../../../models/tiny/write-file.js';

/** The repository root. */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A shipped UI workflow, parsed. */
export function loadWorkflow(name: 'txt2img' | 'img2img'): Record<string, any> {
  return JSON.parse(readFileSync(path.join(REPO, 'workflows', `${name}.json`), 'utf8'));
}

/** Sets a widget value of a UI node (by node id and widget position). */
export function setWidget(workflow: Record<string, any>, nodeId: number, index: number, value: unknown): Record<string, any> {
  const copy = structuredClone(workflow);
  copy.nodes.find((n: { id: number }) => n.id === nodeId).widgets_values[index] = value;
  return copy;
}

export interface SdServer {
  readonly fx: SdFixture;
  readonly server: RunningServer;
  readonly url: string;
  readonly engine: Engine;
  /** Converts a UI workflow with the server's object_info and queues it with the workflow as PNG info. */
  queueWorkflow(workflow: Record<string, any>, clientId?: string): Promise<string>;
  /** GET → parsed JSON with its round-trip time. */
  getJson(p: string): Promise<{ status: number; body: any; ms: number }>;
  /** Polls /history until the prompt has finished; returns its history entry. */
  waitForHistory(promptId: string, timeoutMs?: number): Promise<any>;
  close(): Promise<void>;
}

/** Options of {@link startSdServer}. */
export interface SdServerOptions {
  /**
   * Also install `medium-sd15`: the tiny checkpoint with the medium UNet stand-in (C = 320, 4 blocks), whose
   * calls take long enough (hundreds of ms) that a blocked event loop would show in request latencies.
   */
  readonly mediumCheckpoint?: boolean;
}

/** Starts the server; `close()` stops it and removes the temp data dir. */
export async function startSdServer(options: SdServerOptions = {}): Promise<SdServer> {
  const fx = createSdFixture();
  if (options.mediumCheckpoint) {
    const dir = path.join(fx.dirs.models, 'checkpoints');
    cpSync(path.join(dir, 'tiny-sd15'), path.join(dir, 'medium-sd15'), { recursive: true });
    writeFileAtomic(path.join(dir, 'medium-sd15', 'unet', 'model.onnx'), buildUnet(MEDIUM_UNET_CONFIG, TINY_DEFAULT_SEED));
    fx.models.store.invalidate();
  }
  const engine = new Engine({ registry: new NodeRegistry([...coreNodes, ...sdNodes]), services: { dirs: fx.dirs, models: fx.models } });
  const server = await startServer({ port: 0, engine, dirs: fx.dirs, log: () => {} });
  const url = server.url;
  const getJson = async (p: string) => {
    const t0 = performance.now();
    const res = await fetch(url + p);
    const text = await res.text();
    return { status: res.status, body: (text ? parseJson(text) : undefined) as any, ms: performance.now() - t0 };
  };
  return {
    fx, server, url, engine, getJson,
    async queueWorkflow(workflow, clientId) {
      const prompt = uiToApi(workflow as never, engine.objectInfo() as unknown as ObjectInfo);
      const body = { client_id: clientId, prompt, extra_data: { extra_pnginfo: { workflow } } };
      const res = await fetch(`${url}/prompt`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: stringifyJson(body) });
      const reply = parseJson(await res.text()) as { prompt_id?: string };
      if (res.status !== 200 || !reply.prompt_id) throw new Error(`POST /prompt → ${res.status}: ${JSON.stringify(reply)}`);
      return reply.prompt_id;
    },
    async waitForHistory(promptId, timeoutMs = 30_000) {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        const { body } = await getJson(`/history/${promptId}`);
        const entry = body?.[promptId];
        if (entry?.status?.completed || entry?.status?.status_str === 'error') return entry;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`prompt ${promptId} did not finish within ${timeoutMs} ms`);
    },
    async close() {
      await server.close();
      await fx.close();
    },
  };
}

/** The first image file of a history entry's outputs, as `/view` query params. */
export function firstImage(entry: any): { filename: string; subfolder: string; type: string } {
  for (const out of Object.values(entry.outputs ?? {}) as { images?: any[] }[]) if (out.images?.length) return out.images[0];
  throw new Error(`no image in outputs ${JSON.stringify(entry.outputs)}`);
}

/** Runs `node bin/perceptgraph.mjs run <file> --data-dir <dir>`; resolves with the exit code and output. */
export function runCli(file: string, dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(REPO, 'bin/perceptgraph.mjs'), 'run', file, '--data-dir', dataDir, '--device', 'cpu', '--json'], { cwd: REPO, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}
