/**
 * `progress_state` (ComfyUI's comfy_execution/progress.py): the running prompt's node states, re-sent whole when a
 * node starts, reports progress or finishes; only to the prompt's client; never in the history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProgressStateTracker, SNAPSHOT_EVERY_CHANGE_LIMIT, SNAPSHOT_INTERVAL_MS } from '../../../server/queue/progress-state.js';
import { stubNodes } from '../../support/stub-nodes.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { connectWs, type WsClient, type WsMessage } from '../../support/ws-client.js';

let s: TestServer;
let owner: WsClient;
let other: WsClient;

beforeAll(async () => {
  s = await startTestServer({ nodes: stubNodes });
  owner = await connectWs(s.url, { clientId: 'progress-owner' });
  other = await connectWs(s.url, { clientId: 'progress-other' });
});
afterAll(async () => {
  await owner.close();
  await other.close();
  await s.close();
});

const states = (m: WsMessage) => Object.fromEntries(Object.entries(m.data.nodes as Record<string, { state: string; value: number; max: number }>).map(([id, n]) => [id, `${n.state} ${n.value}/${n.max}`]));

describe('progress_state', () => {
  it('carries every started node with ComfyUI fields, in ComfyUI order, to the owner only', async () => {
    const prompt = {
      sl: { class_type: 'Sleep', inputs: { ms: 30, steps: 3 } },
      out: { class_type: 'StubOutput', inputs: { value: ['sl', 0] } },
    };
    const r = await s.postJson('/prompt', { prompt, client_id: 'progress-owner' });
    expect(r.status).toBe(200);
    const id = r.body.prompt_id as string;
    await owner.waitForDone(id);
    const mine = owner.messages.filter((m) => m.data?.prompt_id === id && ['progress_state', 'executing', 'progress'].includes(m.type));
    const seq = mine.map((m) => (m.type === 'progress_state' ? JSON.stringify(states(m)) : `${m.type}:${m.data.node}${m.type === 'progress' ? `:${m.data.value}` : ''}`));
    expect(seq).toEqual([
      '{"sl":"running 0/1"}',
      'executing:sl',
      '{"sl":"running 1/3"}',
      'progress:sl:1',
      '{"sl":"running 2/3"}',
      'progress:sl:2',
      '{"sl":"running 3/3"}',
      'progress:sl:3',
      '{"sl":"finished 3/3"}',
      '{"sl":"finished 3/3","out":"running 0/1"}',
      'executing:out',
      '{"sl":"finished 3/3","out":"finished 1/1"}',
      'executing:null',
    ]);
    const last = mine.filter((m) => m.type === 'progress_state').at(-1)!;
    expect(last.data.nodes.out).toEqual({
      value: 1, max: 1, state: 'finished', node_id: 'out', prompt_id: id, display_node_id: 'out', parent_node_id: null, real_node_id: 'out',
    });
    expect(other.messages.some((m) => m.type === 'progress_state')).toBe(false);
    const history = (await s.getJson(`/history/${id}`)).body[id];
    expect(history.status.messages.map((m: [string]) => m[0])).not.toContain('progress_state');
  });

  it('a prompt without a client id sends no progress_state at all', async () => {
    const prompt = { sl: { class_type: 'Sleep', inputs: { ms: 10, steps: 2 } }, o: { class_type: 'StubOutput', inputs: { value: ['sl', 0] } } };
    const r = await s.postJson('/prompt', { prompt });
    await s.waitForHistory(r.body.prompt_id);
    const seen = [...owner.messages, ...other.messages].filter((m) => m.data?.prompt_id === r.body.prompt_id).map((m) => m.type);
    expect(seen).toContain('progress'); // progress goes to everyone when the prompt has no client…
    expect(seen).not.toContain('progress_state'); // …but progress_state is for the owner only
  });
});

describe('ProgressStateTracker on huge prompts', () => {
  it('sends every change up to the limit, then at most one snapshot per interval, and the last before the end', () => {
    const tracker = new ProgressStateTracker('p');
    const sent: number[] = [];
    const n = SNAPSHOT_EVERY_CHANGE_LIMIT + 500;
    for (let i = 0; i < n; i++) {
      const msg = tracker.onEvent({ type: 'executing', node: String(i) }, i < n - 1 ? 0 : SNAPSHOT_INTERVAL_MS);
      if (msg) sent.push(Object.keys(msg.kind === 'json' ? msg.data.nodes as object : {}).length);
    }
    // 1,000 immediate ones with every node, then one when the interval has passed holding the 500 changed since.
    expect(sent.length).toBe(SNAPSHOT_EVERY_CHANGE_LIMIT + 1);
    expect(sent[SNAPSHOT_EVERY_CHANGE_LIMIT - 1]).toBe(SNAPSHOT_EVERY_CHANGE_LIMIT);
    expect(sent.at(-1)).toBe(500);
    tracker.onEvent({ type: 'node_finished', node: String(n - 1) }, SNAPSHOT_INTERVAL_MS + 1);
    const last = tracker.onEvent({ type: 'execution_success' }, SNAPSHOT_INTERVAL_MS + 2);
    expect(last && last.kind === 'json' && (last.data.nodes as Record<string, { state: string }>)[String(n - 1)]!.state).toBe('finished');
    expect(tracker.onEvent({ type: 'execution_success' }, SNAPSHOT_INTERVAL_MS + 3)).toBeNull();
  });
});
