/**
 * A keep-alive connection idle for longer than Node's default 5 s keep-alive is still open and reused (issue 12:
 * clients got ECONNRESET reusing a socket the server was closing after long work).
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stubNodes } from '../../support/stub-nodes.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ nodes: stubNodes });
});
afterAll(() => s.close());

function get(agent: http.Agent, path: string): Promise<{ status: number; reused: boolean; keepAlive: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${s.url}${path}`, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket, keepAlive: res.headers['keep-alive'] as string | undefined }));
    });
    req.on('error', reject);
  });
}

describe('keep-alive', () => {
  it('keeps an idle connection open past 5 s and reuses it', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await get(agent, '/queue');
      expect(first).toMatchObject({ status: 200, reused: false });
      expect(first.keepAlive).toBe('timeout=75');
      await new Promise((r) => setTimeout(r, 5_600));
      const second = await get(agent, '/queue');
      expect(second).toMatchObject({ status: 200, reused: true });
    } finally {
      agent.destroy();
    }
  }, 20_000);
});
