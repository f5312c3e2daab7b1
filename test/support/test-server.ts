/**
 * Starts a real server (port 0, temp data dir) around a real Engine with the given node definitions, for API
 * tests. Plain `fetch` helpers included; bodies are parsed with the bigint-preserving codec.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseJson, stringifyJson } from '../../server/api/json-codec.js';
import { startServer, type RunningServer, type ServerOptions } from '../../server/api/server.js';
import { dataDirs, type DataDirs } from '../../server/data-dir.js';
import { Engine } from '../../server/engine/engine.js';
import type { AnyNodeDefinition } from '../../server/engine/node-definition.js';
import { NodeRegistry } from '../../server/engine/registry.js';
import { createModelRuntime } from '../../models/onnx/runtime.js';
import { ensureTinyModels } from '../../models/tiny/setup.js';

export interface TestServerOptions extends Partial<Omit<ServerOptions, 'engine' | 'dirs'>> {
  /** Node definitions of the registry. */
  readonly nodes: readonly AnyNodeDefinition[];
  /** Reuse a data dir (restart tests); default a fresh temp dir, removed by `close()`. */
  readonly dataRoot?: string;
  /** Extra node services, merged over `{dirs, models}`. */
  readonly services?: Record<string, unknown>;
  /** Build the tiny default models into the data dir first (for model-node tests). */
  readonly tinyModels?: boolean;
}

/** A started test server plus helpers. */
export interface TestServer {
  readonly server: RunningServer;
  readonly url: string;
  readonly port: number;
  readonly dirs: DataDirs;
  readonly engine: Engine;
  /** Lines the server logged. */
  readonly logs: string[];
  /** GET → parsed JSON (throws on a non-JSON body). */
  getJson(pathAndQuery: string, init?: RequestInit): Promise<{ status: number; body: any }>;
  /** POST JSON (bigints allowed) → status and parsed body (undefined when empty). */
  postJson(pathAndQuery: string, body: unknown, init?: RequestInit): Promise<{ status: number; body: any }>;
  /** Stops the server; removes the data dir unless `keepData` or it was given. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

async function parsed(res: Response): Promise<{ status: number; body: any }> {
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : parseJson(text) };
}

/** Starts a server for a test. */
export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  const root = options.dataRoot ?? mkdtempSync(path.join(os.tmpdir(), 'pg-server-'));
  const dirs = dataDirs(root);
  const logs: string[] = [];
  if (options.tinyModels) ensureTinyModels(dirs.models);
  const models = createModelRuntime({ modelsDir: dirs.models, device: 'cpu', log: (m) => logs.push(m) });
  const engine = new Engine({ registry: new NodeRegistry(options.nodes), services: { dirs, models, ...options.services } as never, log: (m) => logs.push(m) });
  const { nodes: _n, dataRoot: _d, services: _s, tinyModels: _t, ...rest } = options;
  const server = await startServer({ port: 0, log: (m) => logs.push(m), ...rest, engine, dirs });
  const url = server.url;
  return {
    server, url, port: server.port, dirs, engine, logs,
    async getJson(p, init) {
      return parsed(await fetch(url + p, init));
    },
    async postJson(p, body, init) {
      return parsed(await fetch(url + p, { method: 'POST', body: stringifyJson(body), ...init, headers: { 'Content-Type': 'application/json', ...init?.headers } }));
    },
    async close(o = {}) {
      await server.close();
      await models.dispose();
      if (!o.keepData && options.dataRoot === undefined) rmSync(root, { recursive: true, force: true });
    },
  };
}
