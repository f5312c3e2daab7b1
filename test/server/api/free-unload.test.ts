/**
 * `POST /free` as ComfyUI's prompt worker reads it: `unload_models` releases the loaded model sessions and keeps
 * the cached results; `free_memory` drops the cached results and releases the sessions too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreNodes } from '../../../nodes/core/index.js';
import { declipNodes } from '../../../nodes/declip/index.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { loadWorkflow } from '../../support/workflows.js';
import { ensureExampleInputs } from '../../../app/examples/example-inputs.js';

describe('POST /free unload_models', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ nodes: [...coreNodes, ...declipNodes], tinyModels: true });
    await ensureExampleInputs(server.dirs.input);
  });
  afterAll(() => server?.close());

  const run = async () => {
    const entry = await server.waitForHistory(await server.queueWorkflow(loadWorkflow('iqa-score')), 90_000);
    expect(entry.status.status_str, JSON.stringify(entry.status.messages)).toBe('success');
  };

  it('unload_models releases every idle session and keeps the cache; free_memory drops both', async () => {
    await run();
    expect(server.models.pool.stats().sessionsLoaded).toBeGreaterThan(0);
    expect((await server.postJson('/free', { unload_models: true })).status).toBe(200);
    await expect.poll(() => server.models.pool.stats().sessionsLoaded, { timeout: 10_000 }).toBe(0);
    await run(); // every node cached: no model is loaded again
    expect(server.models.pool.stats().sessionsLoaded).toBe(0);
    expect((await server.postJson('/free', { free_memory: true })).status).toBe(200);
    await run(); // nothing cached: the models load again
    expect(server.models.pool.stats().sessionsLoaded).toBeGreaterThan(0);
    expect((await server.postJson('/free', { free_memory: true })).status).toBe(200);
    await expect.poll(() => server.models.pool.stats().sessionsLoaded, { timeout: 10_000 }).toBe(0);
  });
});
