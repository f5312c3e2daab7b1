/**
 * The POST /prompt reply is flushed before the worker starts the prompt, so a client that starts listening when
 * the reply arrives still sees every event of a fully cached prompt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StartGate } from '../../../server/queue/start-gate.js';
import { stubNodes } from '../../support/stub-nodes.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { connectWs } from '../../support/ws-client.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ nodes: stubNodes });
});
afterAll(() => s.close());

const prompt = { '1': { class_type: 'StubImage', inputs: { width: 2, height: 2, batch: 1, value: 0.25 } }, '2': { class_type: 'StubOutput', inputs: { value: ['1', 0] } } };

describe('POST /prompt reply ordering', () => {
  it('a fully cached prompt sends execution_start … executing {node: null} only after the reply', async () => {
    const ws = await connectWs(s.url, { clientId: 'late-listener' });
    const first = (await s.postJson('/prompt', { prompt, client_id: 'late-listener' })).body.prompt_id;
    await ws.waitForDone(first);
    for (let i = 0; i < 25; i++) {
      const r = await fetch(`${s.url}/prompt`, { method: 'POST', body: JSON.stringify({ prompt, client_id: 'late-listener' }) });
      const { prompt_id: id } = (await r.json()) as { prompt_id: string };
      const listenFrom = ws.messages.length; // a client subscribing once it has the id sees from here on
      await ws.waitForDone(id);
      const mine = ws.messages.map((m, at) => ({ m, at })).filter(({ m }) => m.data?.prompt_id === id);
      expect(mine[0]!.at).toBeGreaterThanOrEqual(listenFrom);
      expect(mine.map(({ m }) => m.type)).toEqual(['execution_start', 'execution_cached', 'executed', 'progress_state', 'execution_success', 'executing']);
      expect(mine.at(-1)!.m.data.node).toBeNull();
    }
    await ws.close();
  });
});

describe('StartGate', () => {
  it('waits for release, passes unheld ids at once, and gives up after its timeout', async () => {
    const gate = new StartGate(50, 0);
    await gate.wait('free');
    const release = gate.hold('a');
    let passed = false;
    const waiting = gate.wait('a').then(() => (passed = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(passed).toBe(false);
    release();
    await waiting;
    expect(passed).toBe(true);
    gate.hold('stuck');
    const t0 = Date.now();
    await gate.wait('stuck');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(40);
  });
});
