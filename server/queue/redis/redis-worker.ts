/**
 * A worker process of the Redis/BullMQ backend (`perceptgraph worker --queue redis://…`): the same
 * `PromptWorker` and engine as the embedded server, fed by BullMQ (`JobSource`), sending its client messages and
 * results to the server through `pg:events`, obeying `pg:control`, and beating in `pg:workers`.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { DataDirs } from '../../data-dir.js';
import type { EnginePort } from '../engine-port.js';
import type { HistoryEntry } from '../history-store.js';
import { PromptWorker } from '../prompt-worker.js';
import { AUTH_CHECK_TEXT, parseControl } from './control.js';
import { EventPublisher } from './event-publisher.js';
import { uploadOutputs, type TransferOptions } from './file-transfer.js';
import { JobSource } from './job-source.js';
import { hmac } from './job-data.js';
import { redisKeys } from './keys.js';
import { connectOrFail, createConnection } from './redis-connection.js';
import { parseRedisUrl } from './redis-url.js';
import { removeBeat, writeBeat } from './worker-registry.js';

export interface RedisWorkerOptions {
  readonly url: string;
  /** The server's token (`serve --auth-token`). */
  readonly token: string;
  readonly engine: EnginePort;
  readonly dirs: DataDirs;
  /** Default: host name + pid + a random suffix. */
  readonly id?: string;
  readonly prefix?: string;
  readonly previewMethod?: string;
  /** Its device, for `/system_stats` (first entry of the runtime's `deviceInfo`). */
  readonly deviceInfo?: () => object[];
  /** Its model store listings (reported to the server). */
  readonly modelFolders?: () => Record<string, string[]>;
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
  readonly heartbeatMs?: number;
  readonly maxTransferBytes?: number;
  readonly log: (message: string) => void;
}

export interface RunningWorker {
  readonly id: string;
  /** Stops; a prompt it holds is re-run by another worker once its lock lapses. */
  close(): Promise<void>;
}

/** Connects (clear error when Redis is unreachable or the token is wrong) and starts taking prompts. */
export async function startRedisWorker(options: RedisWorkerOptions): Promise<RunningWorker> {
  const { log, dirs } = options;
  const target = parseRedisUrl(options.url);
  const keys = redisKeys(options.prefix);
  const id = options.id ?? `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`;
  const pub = createConnection(target, { kind: 'blocking', role: `worker ${id}`, log });
  const sub = createConnection(target, { kind: 'blocking', role: `worker ${id} control`, log });
  const bull = createConnection(target, { kind: 'blocking', role: `worker ${id} jobs`, log });
  await connectOrFail(pub, target);
  const check = await pub.get(keys.authCheck);
  if (check === null) log(`worker: no server has used ${target.shown} yet; jobs are still checked against the token`);
  else if (check !== hmac(options.token, AUTH_CHECK_TEXT)) {
    pub.disconnect();
    throw new Error(`the token does not match the server's (pass the server's --auth-token as --token)`);
  }
  await connectOrFail(sub, target);
  await connectOrFail(bull, target);

  const transfer: TransferOptions = { redis: pub, keys, dirs, maxBytes: options.maxTransferBytes };
  const events = new EventPublisher(pub, keys, log);
  let beat = (): void => {};
  const source = new JobSource({
    connection: bull, keys, token: options.token, transfer, events, workerId: id, log,
    lockDurationMs: options.lockDurationMs, stalledIntervalMs: options.stalledIntervalMs,
    onChange: () => beat(),
  });
  const history = {
    async add(promptId: string, entry: HistoryEntry) {
      const files = await uploadOutputs(transfer, entry.outputs, log);
      await events.push({ kind: 'result', promptId, entry, files });
    },
  };
  const worker = new PromptWorker({ engine: options.engine, queue: source, history, sink: events, log, previewMethod: options.previewMethod });

  beat = () => {
    const cur = worker.current();
    void writeBeat(pub, keys, {
      id, host: os.hostname(), pid: process.pid,
      device: (options.deviceInfo?.()[0] as Record<string, unknown> | undefined) ?? null,
      currentPrompt: cur?.promptId ?? null, currentNode: cur?.node ?? null,
      lastSeen: Date.now(), models: options.modelFolders?.() ?? {},
    }).catch(() => {});
  };
  await sub.subscribe(keys.control);
  sub.on('message', (_channel: string, text: string) => {
    const m = parseControl(text);
    if (m?.op === 'interrupt') worker.interrupt(m.promptId);
    else if (m?.op === 'free') worker.requestFree(m);
  });
  worker.start();
  source.run();
  beat();
  const timer = setInterval(beat, options.heartbeatMs ?? 2000);
  timer.unref();
  log(`worker ${id}: taking prompts from ${target.shown}`);

  return {
    id,
    async close() {
      clearInterval(timer);
      await source.close();
      await worker.stop();
      await removeBeat(pub, keys, id).catch(() => {});
      await events.flushed();
      sub.disconnect();
      bull.disconnect();
      pub.disconnect();
    },
  };
}
