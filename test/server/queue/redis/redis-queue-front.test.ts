/** The Redis/BullMQ queue (a real redis-server, one database per test) through the shared `QueueFront` contract. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { dataDirs } from '../../../../server/data-dir.js';
import { redisBackend } from '../../../../server/queue/redis/redis-backend.js';
import { startRedis, type TestRedis } from '../../../support/redis-server.js';
import { runQueueFrontContract } from '../queue-front-contract.js';

let redis: TestRedis;
let db = 0;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

runQueueFrontContract('the Redis queue', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pg-contract-'));
  const backend = await redisBackend({ url: redis.url.replace(/\/0$/, `/${++db}`), token: 't', dirs: dataDirs(root), log: () => {} });
  return {
    front: backend.queue,
    async close() {
      await backend.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
});
