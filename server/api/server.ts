/**
 * `startServer`: the ComfyUI-compatible HTTP + WebSocket server around an engine, with the persisted queue,
 * history and prompt worker. Binds 127.0.0.1:8188 unless told otherwise.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { DataDirs } from '../data-dir.js';
import { DEFAULT_MAX_IMAGE_PIXELS } from '../files/image-limits.js';
import { sweepAtStart } from '../files/startup-sweep.js';
import { lockStateDir } from '../state-lock.js';
import type { ExecutorControl, HistoryView, QueueBackend } from '../queue/backend.js';
import { embeddedBackend } from '../queue/embedded-backend.js';
import type { EnginePort } from '../queue/engine-port.js';
import type { QueueFront } from '../queue/types.js';
import { UserRegistry } from '../users/user-registry.js';
import { createApp } from './app.js';
import { LogRing } from './log-ring.js';
import { StartGate } from '../queue/start-gate.js';
import { terminalSize } from './routes/internal.js';
import type { RouteDeps } from './route-deps.js';
import { modelFoldersFromDir } from './routes/system.js';
import { hostRefusal, isAuthorized, originRefusal, type HostPolicy } from './security.js';
import { WsHub } from './ws-hub.js';

export interface ServerOptions {
  readonly engine: EnginePort;
  readonly dirs: DataDirs;
  /** Default step-preview method for prompts that don't set `extra_data.preview_method` (default `none`). */
  readonly previewMethod?: string;
  /** Bind address (default 127.0.0.1). */
  readonly host?: string;
  /** Port (default 8188; 0 picks a free one). */
  readonly port?: number;
  /** When set, HTTP needs `Authorization: Bearer <token>` (or `?token=`) and WS `?token=` (or the header). */
  readonly authToken?: string;
  /** Extra Host names to answer besides address literals, loopback names and `host` (`--allow-host`; `*` = any). */
  readonly allowHosts?: readonly string[];
  /** Largest request body and uploaded file, bytes (default 100 MiB, ComfyUI's `--max-upload-size`). */
  readonly maxUploadBytes?: number;
  /** Largest decoded image, pixels (default 64 MP). */
  readonly maxImagePixels?: number;
  /** The built editor, served at `/`. */
  readonly staticDir?: string;
  /** Device entries merged into `/system_stats` `devices`. */
  readonly deviceInfo?: () => object[];
  /** Model folders for `/models`; default: subdirectories of `dirs.models`. */
  readonly modelFolders?: () => Record<string, string[]>;
  /**
   * The folders each model kind is searched in, in order (`/internal/folder_paths`, `/experiment/models`);
   * default: `dirs.models/<kind>` alone. More than one with `--extra-model-paths`.
   */
  readonly modelFolderPaths?: () => Record<string, string[]>;
  /** Folder of example UI workflows (`*.json`) served at `/workflows` for the editor's examples menu. */
  readonly workflowsDir?: string;
  /** Custom node packs found at start, for `GET /node_packs`. */
  readonly nodePacks?: () => readonly object[];
  /** ComfyUI's `--multi-user`: users from `user/users.json`, chosen by the `comfy-user` header. */
  readonly multiUser?: boolean;
  /**
   * The queue backend (default: the embedded queue, history and worker in `dirs.state`). The server closes it.
   * A backend's own `deviceInfo`/`modelFolders` take the place of the options of those names.
   */
  readonly backend?: QueueBackend;
  readonly log?: (message: string) => void;
}

/** A listening server. `close()` stops the backend (a running prompt is re-run on next start), sockets and HTTP. */
export interface RunningServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly backend: QueueBackend;
  readonly queue: QueueFront;
  readonly history: HistoryView;
  readonly worker: ExecutorControl;
  readonly hub: WsHub;
  close(): Promise<void>;
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** How long an idle keep-alive connection stays open (docs/architecture.md, "Responsiveness"). */
export const KEEP_ALIVE_MS = 75_000;

/** Starts the server; resolves once it listens. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const logs = new LogRing();
  const outerLog = options.log ?? ((m: string) => console.error(`[perceptgraph] ${m}`));
  const log = (m: string) => {
    logs.push(m);
    outerLog(m);
  };
  const { dirs, engine } = options;
  const maxUploadBytes = options.maxUploadBytes ?? 100 * 1024 * 1024;
  const features = () => ({ supports_preview_metadata: true, max_upload_size: maxUploadBytes });
  // One server per data dir, before anything in it is touched (a second one would run every pending prompt too).
  const lock = lockStateDir(dirs.state);
  const swept = sweepAtStart(dirs);
  if (swept.tempEntries > 0) log(`temp: removed ${swept.tempEntries} entr${swept.tempEntries === 1 ? 'y' : 'ies'} left from the last run`);
  const startGate = new StartGate();
  const backend = options.backend ?? embeddedBackend({ engine, stateDir: dirs.state, previewMethod: options.previewMethod, log, startGate });
  const { queue, history, executor: worker } = backend;
  const hub = new WsHub({ features, queueRemaining: () => backend.remainingNow(), running: (sid) => worker.current(sid), log });

  logs.onEntry((entry, subscribers) => {
    for (const sid of subscribers) hub.sendJson('logs', { entries: [entry], size: terminalSize() }, sid);
  });

  const deps: RouteDeps = {
    engine, queue, history, worker, dirs, log, features, maxUploadBytes,
    logs,
    startGate,
    users: new UserRegistry({ root: dirs.user, multiUser: options.multiUser ?? false }),
    maxImagePixels: options.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS,
    deviceInfo: backend.deviceInfo ? () => backend.deviceInfo!() : options.deviceInfo,
    workflowsDir: options.workflowsDir,
    nodePacks: options.nodePacks,
    modelFolders: backend.modelFolders ? () => backend.modelFolders!() : options.modelFolders ?? (() => modelFoldersFromDir(dirs.models)),
    // A remote worker's folders are its own; the server can name only its data dir's.
    modelFolderPaths: backend.modelFolders ? undefined : options.modelFolderPaths,
    version: packageVersion(),
  };
  const hosts: HostPolicy = { listen: options.host ?? '127.0.0.1', allowed: options.allowHosts ?? [] };
  const app = createApp({ deps, authToken: options.authToken, staticDir: options.staticDir, hosts });
  // Keep-alive longer than clients keep idle sockets (undici: 4 s; browsers: ~60 s), so a client never reuses a
  // socket the server is just closing (the ECONNRESET of issue 12). 75 s is what proxies commonly use; headers
  // must be allowed a little longer than that (Node requires headersTimeout > keepAliveTimeout to be effective).
  const http = createServer({ keepAliveTimeout: KEEP_ALIVE_MS, headersTimeout: KEEP_ALIVE_MS + 1_000 }, app);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== '/ws' && url.pathname !== '/api/ws') return refuse(socket, 404, 'Not Found');
      const refusal = hostRefusal(req.headers, hosts) ?? (await originRefusal(req.headers));
      if (refusal) {
        log(`refused WebSocket: ${refusal}`);
        return refuse(socket, 403, 'Forbidden');
      }
      if (!isAuthorized(req, options.authToken)) return refuse(socket, 401, 'Unauthorized');
      wss.handleUpgrade(req, socket, head, (ws) => hub.attach(ws, url.searchParams.get('clientId')));
    })().catch((err) => {
      log(`WebSocket upgrade failed: ${String(err)}`);
      socket.destroy();
    });
  });

  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 8188, host, () => resolve());
    });
  } catch (err) {
    await backend.close();
    lock.release();
    throw err;
  }
  const port = (http.address() as AddressInfo).port;
  await backend.start(hub);

  const close = async (): Promise<void> => {
    await backend.close();
    hub.closeAll();
    wss.close();
    await new Promise<void>((resolve) => {
      http.close(() => resolve());
      http.closeAllConnections();
    });
    lock.release();
  };
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${shownHost}:${port}`, host, port, backend, queue, history, worker, hub, close };
}
