/**
 * PromptWorker with the real Engine, queue and history, delivering to a recording MessageSink: checks the
 * finishing order at the moment each message leaves (history before the final `executing`), routing, and /free.
 */
import { describe, expect, it } from 'vitest';
import { Engine } from '../../../server/engine/engine.js';
import type { PreviewImage } from '../../../server/engine/node-definition.js';
import { NodeRegistry } from '../../../server/engine/registry.js';
import { EmbeddedPromptQueue } from '../../../server/queue/embedded-queue.js';
import { HistoryStore } from '../../../server/queue/history-store.js';
import type { MessageSink, PreviewMeta } from '../../../server/queue/message-sink.js';
import { PromptWorker } from '../../../server/queue/prompt-worker.js';
import { callCounts, stubNodes } from '../../support/stub-nodes.js';

interface Sent {
  type: string;
  data: Record<string, unknown>;
  sid: string | null;
  historyExists: boolean;
  remaining: number;
}

function setup() {
  const engine = new Engine({ registry: new NodeRegistry(stubNodes), services: {} as never });
  const queue = EmbeddedPromptQueue.open();
  const history = new HistoryStore();
  const sent: Sent[] = [];
  let current = '';
  const sink: MessageSink = {
    sendJson: (type, data, sid) => sent.push({ type, data, sid, historyExists: history.get(current) !== undefined, remaining: queue.remaining() }),
    sendPreview: (_i: PreviewImage, _m: PreviewMeta) => {},
    sendText: () => {},
  };
  const worker = new PromptWorker({ engine, queue, history, sink });
  queue.subscribe(() => sink.sendJson('status', {}, null));
  worker.start();
  return { engine, queue, history, sent, worker, setCurrent: (id: string) => (current = id) };
}

async function enqueue(ctx: ReturnType<typeof setup>, promptId: string, prompt: Record<string, unknown>, clientId?: string) {
  const v = await ctx.engine.validate(prompt);
  if (!v.ok) throw new Error(JSON.stringify(v.error));
  ctx.setCurrent(promptId);
  ctx.queue.put({ number: ctx.queue.nextNumber(), promptId, prompt: v.prompt, extraData: clientId ? { client_id: clientId } : {}, outputs: v.outputs, graph: v.graph });
  while (!ctx.history.get(promptId)) await new Promise((r) => setTimeout(r, 5));
}

const simple = (a: number) => ({ w1: { class_type: 'CountCalls', inputs: { a } }, w2: { class_type: 'StubOutput', inputs: { value: ['w1', 0] } } });

describe('PromptWorker', () => {
  it('writes history, then broadcasts status, then sends executing {node: null}', async () => {
    const ctx = setup();
    await enqueue(ctx, 'p1', simple(1), 'me');
    const tail = ctx.sent.slice(-3);
    expect(tail.map((m) => m.type)).toEqual(['execution_success', 'status', 'executing']);
    expect(tail.map((m) => m.historyExists)).toEqual([false, true, true]);
    expect(tail[1]!.remaining).toBe(0);
    expect(tail[2]).toMatchObject({ data: { node: null, prompt_id: 'p1' }, sid: 'me' });
    await ctx.worker.stop();
  });

  it('drops owner-only messages when the prompt has no client', async () => {
    const ctx = setup();
    await enqueue(ctx, 'p2', simple(2));
    expect(ctx.sent.map((m) => m.type).filter((t) => t !== 'status')).toEqual([]);
    expect(ctx.history.get('p2')!.status.messages.map((m) => m[0])).toEqual(['execution_start', 'execution_cached', 'execution_success']);
    await ctx.worker.stop();
  });

  it('requestFree clears the engine cache, so an identical prompt runs again', async () => {
    const ctx = setup();
    await enqueue(ctx, 'f1', simple(77));
    const runs = callCounts.get('w1')!;
    await enqueue(ctx, 'f2', simple(77));
    expect(callCounts.get('w1')).toBe(runs);
    ctx.worker.requestFree();
    await enqueue(ctx, 'f3', simple(77));
    expect(callCounts.get('w1')).toBe(runs + 1);
    await ctx.worker.stop();
  });
});
