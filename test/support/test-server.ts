/**
 * Starts a real server (port 0, temp data dir) around a real Engine with the given node definitions and a CPU
 * model runtime, for API and workflow tests. Plain `fetch` helpers included (bodies are parsed with the
 * bigint-preserving codec), plus the UI-workflow round trip: queue, wait for the history entry, fetch the output.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseJson, stringifyJson } from '../../server/protocol/json-codec.js';
import { startServer, type RunningServer, type ServerOptions } from '../../server/api/server.js';
import { dataDirs, type DataDirs } from '../../server/data-dir.js';
import { Engine } from '../../server/engine/engine.js';
import { embeddedBackend } from '../../server/queue/embedded-backend.js';
import type { JournalFs } from '../../server/queue/journal-fs.js';
import type { AnyNodeDefinition } from '../../server/engine/node-definition.js';
import { NodeRegistry } from '../../server/engine/registry.js';
import type { CacheConfig } from '../../server/engine/output-cache.js';
import { uiToApi, type ObjectInfo } from '../../server/protocol/ui-to-api.js';
import type { ModelRuntime } from '../../models/runtime/model-runtime.js';
import { ensureTinyModels } from '../../models/tiny/setup.js';
import { cpuModelRuntime } from './services.js';
import type { QueueBackend } from '../../server/queue/backend.js';

export interface TestServerOptions extends Partial<Omit<ServerOptions, 'engine' | 'dirs'>> {
  /** Node definitions of the registry. */
  readonly nodes: readonly AnyNodeDefinition[];
  /** Reuse a data dir (restart tests); default a fresh temp dir, removed by `close()`. */
  readonly dataRoot?: string;
  /** Extra node services, merged over `{dirs, models}` (e.g. `previews`). */
  readonly services?: Record<string, unknown>;
  /** Build the tiny default models into the data dir first (for model-node tests). */
  readonly tinyModels?: boolean;
  /** A queue backend built on the server's data dirs (default: the embedded one). */
  readonly backendFor?: (dirs: DataDirs) => Promise<QueueBackend>;
  /** File operations under the embedded queue's journals (disk-fault tests). */
  readonly journalFs?: JournalFs;
  /** The engine's cache mode (default classic, as `serve`). */
  readonly cache?: CacheConfig;
}

/** A started test server plus helpers. */
export interface TestServer {
  readonly server: RunningServer;
  readonly url: string;
  readonly port: number;
  readonly dirs: DataDirs;
  readonly engine: Engine;
  /** The CPU model runtime over `dirs.models` (e.g. to `store.invalidate()` after installing a model). */
  readonly models: ModelRuntime;
  /** Lines the server logged. */
  readonly logs: string[];
  /** GET → parsed JSON (throws on a non-JSON body). */
  getJson(pathAndQuery: string, init?: RequestInit): Promise<{ status: number; body: any }>;
  /** POST JSON (bigints allowed) → status and parsed body (undefined when empty). */
  postJson(pathAndQuery: string, body: unknown, init?: RequestInit): Promise<{ status: number; body: any }>;
  /**
   * Converts a UI workflow with the server's object_info and queues it (the workflow goes along as PNG info);
   * resolves to the prompt id, throws when /prompt refuses it.
   */
  queueWorkflow(workflow: Record<string, any>, clientId?: string): Promise<string>;
  /** Polls /history until the prompt has finished or failed; returns its history entry. Default 30 s. */
  waitForHistory(promptId: string, timeoutMs?: number): Promise<any>;
  /** The bytes of an output file via /view (throws on a non-200 answer). */
  view(ref: { filename: string; subfolder: string; type: string }): Promise<Buffer>;
  /** Stops the server; removes the data dir unless `keepData` or it was given. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

async function parsed(res: Response): Promise<{ status: number; body: any }> {
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : parseJson(text) };
}

type ApiHelpers = Pick<TestServer, 'getJson' | 'postJson' | 'queueWorkflow' | 'waitForHistory' | 'view'>;

/** The `fetch` helpers of a server at `url` whose engine is `engine`. */
function apiHelpers(url: string, engine: Engine): ApiHelpers {
  const getJson = async (p: string, init?: RequestInit) => parsed(await fetch(url + p, init));
  const postJson = async (p: string, body: unknown, init?: RequestInit) =>
    parsed(await fetch(url + p, { method: 'POST', body: stringifyJson(body), ...init, headers: { 'Content-Type': 'application/json', ...init?.headers } }));
  return {
    getJson, postJson,
    async queueWorkflow(workflow, clientId) {
      const prompt = uiToApi(workflow, engine.objectInfo() as unknown as ObjectInfo);
      // As the editor queues: the UI workflow for the PNG metadata, and step previews asked for.
      const reply = await postJson('/prompt', { client_id: clientId, prompt, extra_data: { extra_pnginfo: { workflow }, preview_method: 'latent2rgb' } });
      if (reply.status !== 200 || !reply.body?.prompt_id) throw new Error(`POST /prompt → ${reply.status}: ${JSON.stringify(reply.body)}`);
      return reply.body.prompt_id as string;
    },
    async waitForHistory(promptId, timeoutMs = 30_000) {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        const entry = (await getJson(`/history/${promptId}`)).body?.[promptId];
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
  };
}

/** Starts a server for a test. */
export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  const root = options.dataRoot ?? mkdtempSync(path.join(os.tmpdir(), 'pg-server-'));
  const dirs = dataDirs(root);
  const logs: string[] = [];
  if (options.tinyModels) ensureTinyModels(dirs.models);
  const models = cpuModelRuntime(dirs, (m) => logs.push(m));
  const engine = new Engine({ registry: new NodeRegistry(options.nodes), services: { dirs, models, ...options.services } as never, cache: options.cache, log: (m) => logs.push(m), unloadModels: async () => void (await models.pool.releaseIdle()) });
  const { nodes: _n, dataRoot: _d, services: _s, tinyModels: _t, cache: _c, backendFor, journalFs, ...rest } = options;
  const log = (m: string) => logs.push(m);
  const backend = backendFor
    ? await backendFor(dirs)
    : journalFs ? embeddedBackend({ engine, stateDir: dirs.state, previewMethod: options.previewMethod, log, fs: journalFs }) : undefined;
  const server = await startServer({ port: 0, log, ...rest, backend, engine, dirs });
  return {
    server, url: server.url, port: server.port, dirs, engine, models, logs,
    ...apiHelpers(server.url, engine),
    async close(o = {}) {
      await server.close();
      await models.dispose();
      if (!o.keepData && options.dataRoot === undefined) rmSync(root, { recursive: true, force: true });
    },
  };
}
