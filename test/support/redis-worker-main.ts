/**
 * A worker process over the stub node pack (and the core image nodes), for the Redis fault tests (run with `node --import tsx`): the real
 * `startRedisWorker` and Engine, only the nodes are stubs. Settings come from the environment (PG_REDIS_URL,
 * PG_TOKEN, PG_DATA, PG_LOCK_MS, PG_WORKER_ID). Prints "ready <id>" when it takes prompts.
 */
import { dataDirs } from '../../server/data-dir.js';
import { Engine } from '../../server/engine/engine.js';
import { NodeRegistry } from '../../server/engine/registry.js';
import { startRedisWorker } from '../../server/queue/redis/redis-worker.js';
import { CLUSTER_NODES } from './redis-cluster.js';

const env = (k: string): string => {
  const v = process.env[k];
  if (v === undefined) throw new Error(`${k} is not set`);
  return v;
};
const dirs = dataDirs(env('PG_DATA'));
const engine = new Engine({ registry: new NodeRegistry(CLUSTER_NODES), services: { dirs } as never, log: () => {} });
const lock = Number(process.env.PG_LOCK_MS ?? 30_000);
const worker = await startRedisWorker({
  url: env('PG_REDIS_URL'),
  token: env('PG_TOKEN'),
  engine,
  dirs,
  id: process.env.PG_WORKER_ID,
  lockDurationMs: lock,
  stalledIntervalMs: Math.max(200, Math.floor(lock / 2)),
  heartbeatMs: 500,
  log: (m) => console.error(m),
});
console.log(`ready ${worker.id}`);
const stop = () => void worker.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
