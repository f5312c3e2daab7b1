/** GET /history streamed entry by entry (issue 19): a multi-MiB reply is whole, ordered and exact. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson } from '../../../server/protocol/json-codec.js';
import { stubNodes } from '../../support/stub-nodes.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ nodes: stubNodes });
  for (let i = 0; i < 1500; i++) {
    s.server.backend.history.add(`p${i}`, {
      prompt: [i, `p${i}`, { '1': { class_type: 'X', inputs: { seed: 18446744073709551615n, text: 'é'.repeat(2000) } } }, {}, ['1']],
      outputs: {},
      status: { status_str: 'success', completed: true, messages: [] },
      meta: {},
    });
  }
});
afterAll(() => s.close());

describe('GET /history', () => {
  it('streams every entry, oldest first, with 64-bit seeds exact', async () => {
    const res = await fetch(`${s.url}/history`);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const text = await res.text();
    expect(text.length).toBeGreaterThan(3_000_000);
    const body = parseJson(text) as Record<string, any>;
    expect(Object.keys(body)).toEqual(Array.from({ length: 1500 }, (_, i) => `p${i}`));
    expect(body.p7.prompt[2]['1'].inputs.seed).toBe(18446744073709551615n);
  });

  it('pages with max_items and offset, and answers an empty history as {}', async () => {
    expect(Object.keys((await s.getJson('/history?max_items=2')).body)).toEqual(['p1498', 'p1499']);
    expect(Object.keys((await s.getJson('/history?max_items=2&offset=3')).body)).toEqual(['p3', 'p4']);
    expect((await s.getJson('/history?max_items=0')).body).toEqual({});
  });
});
