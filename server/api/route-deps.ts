/** What every route module receives: `register(router, deps)`. */
import type { DataDirs } from '../data-dir.js';
import type { EnginePort } from '../queue/engine-port.js';
import type { ExecutorControl, HistoryView } from '../queue/backend.js';
import type { QueueFront } from '../queue/types.js';
import type { UserRegistry } from '../users/user-registry.js';
import type { LogRing } from './log-ring.js';
import type { StartGate } from '../queue/start-gate.js';

export interface RouteDeps {
  readonly engine: EnginePort;
  /** The queue backend's parts (`server/queue/backend.ts`): answers may be promises, so routes `await`. */
  readonly queue: QueueFront;
  readonly history: HistoryView;
  readonly worker: ExecutorControl;
  readonly dirs: DataDirs;
  /** The users of `/users`, `/settings`, `/userdata` (single-user unless `--multi-user`). */
  readonly users: UserRegistry;
  /** The last log lines, for `/internal/logs` and the frontend's log terminal. */
  readonly logs: LogRing;
  /** `POST /prompt` holds its prompt here until the reply is flushed. */
  readonly startGate: StartGate;
  /** Largest request body / uploaded file, bytes. */
  readonly maxUploadBytes: number;
  /** Largest image decoded for uploads and `/view` previews, pixels. */
  readonly maxImagePixels: number;
  /** The `/features` dict (also the WS `feature_flags` reply). */
  readonly features: () => Record<string, unknown>;
  /** Extra `devices` entries for `/system_stats` (e.g. ONNX Runtime execution providers). */
  readonly deviceInfo?: () => object[];
  /** Model folder kind → relative file paths, for `/models` and `/models/{folder}`. */
  readonly modelFolders: () => Record<string, string[]>;
  /** Model folder kind → the folders searched, in order; absent: `dirs.models/<kind>` alone (model-folder-paths.ts). */
  readonly modelFolderPaths?: () => Record<string, string[]>;
  /** Folder of example UI workflows (`*.json`) for `/workflows`. */
  readonly workflowsDir?: string;
  /** The custom node packs found at start (`GET /node_packs`); each entry as the app's loader reports it. */
  readonly nodePacks?: () => readonly object[];
  /** Server version reported as `comfyui_version`. */
  readonly version: string;
  readonly log: (message: string) => void;
}
