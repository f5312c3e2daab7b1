/**
 * The server side of the Redis/BullMQ backend (`perceptgraph serve --queue redis://…`): prompts go into a BullMQ
 * queue, history lives in Redis, worker processes (`redis-worker.ts`) execute, and their messages come back
 * through the `pg:events` stream to the WebSocket clients. See docs/redis-queue.md.
 */
import { Queue } from 'bullmq';
import type { RunningPrompt } from '../prompt-worker.js';
import type { DataDirs } from '../../data-dir.js';
import type { ClientSink, ExecutorControl, QueueBackend } from '../backend.js';
import { AUTH_CHECK_TEXT, type ControlMessage } from './control.js';
import { EventReader } from './event-reader.js';
import { settleFailedJobs } from './failed-jobs.js';
import type { StreamEvent } from './event-stream.js';
import { materializeOutputs, type TransferOptions } from './file-transfer.js';
import { redisGuard } from './guard.js';
import { hmac, type PromptJobData } from './job-data.js';
import { redisKeys } from './keys.js';
import { connectOrFail, createConnection } from './redis-connection.js';
import { RedisHistory } from './redis-history.js';
import { RedisQueueFront } from './redis-queue-front.js';
import { parseRedisUrl } from './redis-url.js';
import { deviceEntry, modelUnion, readBeats, type WorkerBeat } from './worker-registry.js';

export interface RedisBackendOptions {
  /** `redis://[user:password@]host:port[/db]`. */
  readonly url: string;
  /** The server's token: jobs are signed with it and workers must present it. */
  readonly token: string;
  readonly dirs: DataDirs;
  /** Key prefix (default `pg`). */
  readonly prefix?: string;
  /** Bound on one file sent through Redis (default 64 MiB). */
  readonly maxTransferBytes?: number;
  /** How often worker heartbeats and queue counts are re-read, ms (default 1000). */
  readonly pollMs?: number;
  readonly log: (message: string) => void;
}

/** Connects (or throws a clear error within a few seconds) and returns the backend, not yet started. */
export async function redisBackend(options: RedisBackendOptions): Promise<QueueBackend> {
  const { log, dirs } = options;
  if (!options.token) throw new Error('--queue redis needs a token (--auth-token): workers must present it');
  const target = parseRedisUrl(options.url);
  const keys = redisKeys(options.prefix);
  const cmd = createConnection(target, { kind: 'command', role: 'server', log });
  const blocking = createConnection(target, { kind: 'blocking', role: 'server events', log });
  await connectOrFail(cmd, target);
  await connectOrFail(blocking, target);
  const guard = redisGuard(cmd, target);
  const queue = new Queue<PromptJobData>(keys.queueName, { connection: cmd, prefix: keys.bullPrefix });
  queue.on('error', () => {}); // connection trouble is reported by the connection's retry log
  await queue.waitUntilReady();
  await cmd.set(keys.authCheck, hmac(options.token, AUTH_CHECK_TEXT));

  const transfer: TransferOptions = { redis: cmd, keys, dirs, maxBytes: options.maxTransferBytes };
  const front = new RedisQueueFront({ redis: cmd, queue, keys, guard, token: options.token, transfer });
  const history = new RedisHistory({ redis: cmd, keys, guard });
  const running = new Map<string, RunningPrompt>();
  let beats: WorkerBeat[] = [];
  let sink: ClientSink | undefined;

  const publish = (m: ControlMessage) => guard('control', () => cmd.publish(keys.control, JSON.stringify(m)));
  const executor: ExecutorControl = {
    async interrupt(promptId) {
      await publish(promptId === undefined ? { op: 'interrupt' } : { op: 'interrupt', promptId });
      return promptId === undefined ? running.size > 0 : running.has(promptId);
    },
    async requestFree(request) {
      await publish({ op: 'free', freeMemory: request.freeMemory === true, unloadModels: request.unloadModels === true });
    },
    current(sid) {
      for (const r of running.values()) if (r.clientId === sid) return r;
      return null;
    },
  };

  const track = (type: string, data: Record<string, unknown>, sid: string | null): void => {
    const promptId = typeof data.prompt_id === 'string' ? data.prompt_id : undefined;
    if (!promptId) return;
    if (type === 'execution_start') running.set(promptId, { promptId, clientId: sid, node: null });
    else if (type === 'executing' && data.node === null) running.delete(promptId);
    else if (type === 'executing') running.set(promptId, { promptId, clientId: sid, node: String(data.node) });
  };

  const handle = async (ev: StreamEvent): Promise<void> => {
    if (ev.kind === 'json') {
      track(ev.type, ev.data, ev.sid);
      sink?.sendJson(ev.type, ev.data, ev.sid);
    } else if (ev.kind === 'preview') sink?.sendPreview(ev.image, ev.meta, ev.sid);
    else if (ev.kind === 'text') sink?.sendText(ev.node, ev.text, ev.sid);
    else if (ev.kind === 'status') await front.changed();
    else {
      await materializeOutputs(transfer, ev.files, log);
      await history.add(ev.promptId, ev.entry);
    }
  };
  const reader = new EventReader({ redis: blocking, keys, handle, log });

  let timer: NodeJS.Timeout | undefined;
  const poll = async (): Promise<void> => {
    try {
      beats = await readBeats(cmd, keys);
      if ((await settleFailedJobs(queue, history, sink)) > 0) await front.changed();
      const before = front.remainingNow();
      if ((await front.remaining()) !== before) await front.changed();
    } catch {
      // Redis away: the connection logs it; keep the last view
    }
  };
  log(`queue: Redis ${target.shown} (BullMQ queue "${keys.queueName}", prefix "${keys.bullPrefix}")`);

  return {
    queue: front,
    history,
    executor,
    remainingNow: () => front.remainingNow(),
    async start(clients) {
      sink = clients;
      front.subscribe(() => clients.broadcastStatus());
      await poll();
      await reader.start();
      timer = setInterval(() => void poll(), options.pollMs ?? 1000);
      timer.unref();
    },
    async close() {
      clearInterval(timer);
      await reader.stop();
      await front.close();
      await queue.close().catch(() => {});
      cmd.disconnect();
    },
    deviceInfo: () => beats.map((b, i) => deviceEntry(b, i)),
    modelFolders: () => modelUnion(beats),
  };
}
