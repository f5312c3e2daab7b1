/**
 * The default backend: the journaled in-process queue and history in the data dir's state folder and one
 * `PromptWorker` running prompts on the server's own engine.
 */
import type { ClientSink, QueueBackend } from './backend.js';
import { EmbeddedPromptQueue } from './embedded-queue.js';
import type { EnginePort } from './engine-port.js';
import { HistoryStore } from './history-store.js';
import type { JournalFs } from './journal-fs.js';
import { PromptWorker } from './prompt-worker.js';
import type { StartGate } from './start-gate.js';

export interface EmbeddedBackendOptions {
  readonly engine: EnginePort;
  /** Folder for `queue.jsonl` and `history.jsonl`; without it everything lives in memory. */
  readonly stateDir?: string;
  readonly previewMethod?: string;
  /** Holds prompts until their `POST /prompt` reply is flushed. */
  readonly startGate?: StartGate;
  readonly log?: (message: string) => void;
  /** File operations under the journals (tests inject disk faults). */
  readonly fs?: JournalFs;
}

/** The embedded backend plus its concrete parts (tests and benchmarks look inside). */
export interface EmbeddedBackend extends QueueBackend {
  readonly queue: EmbeddedPromptQueue;
  readonly history: HistoryStore;
  readonly executor: PromptWorker;
}

/** Opens (and replays) the embedded queue and history; `start` starts the worker. */
export function embeddedBackend(options: EmbeddedBackendOptions): EmbeddedBackend {
  const { log } = options;
  const queue = EmbeddedPromptQueue.open({ stateDir: options.stateDir, log, fs: options.fs });
  const history = new HistoryStore({ stateDir: options.stateDir, log, fs: options.fs });
  // The worker exists from the start (routes hold it); its messages go to the sink given to `start`.
  let target: ClientSink | undefined;
  const sink: ClientSink = {
    sendJson: (type, data, sid) => target?.sendJson(type, data, sid),
    sendPreview: (image, meta, sid) => target?.sendPreview(image, meta, sid),
    sendText: (node, text, sid) => target?.sendText(node, text, sid),
    broadcastStatus: () => target?.broadcastStatus(),
  };
  const worker = new PromptWorker({ engine: options.engine, queue, history, sink, log, previewMethod: options.previewMethod, startGate: options.startGate });
  let unsubscribe = (): void => {};
  return {
    queue,
    history,
    executor: worker,
    remainingNow: () => queue.remaining(),
    async start(clients: ClientSink) {
      target = clients;
      unsubscribe = queue.subscribe(() => sink.broadcastStatus());
      worker.start();
    },
    async close() {
      await worker.stop();
      unsubscribe();
      await queue.close();
    },
  };
}
