import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedPromptQueue } from '../../../server/queue/embedded-queue.js';
import type { QueueEntry } from '../../../server/queue/types.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'pg-queue-'));
  dirs.push(d);
  return d;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function entry(promptId: string, number: number, extra: Partial<QueueEntry> = {}): QueueEntry {
  return { number, promptId, prompt: { '1': { class_type: 'X', inputs: { seed: 18446744073709551615n } } }, extraData: {}, outputs: ['1'], ...extra };
}

describe('EmbeddedPromptQueue', () => {
  it('takes the lowest number first, ties by prompt id; front (negative) jumps ahead', async () => {
    const q = EmbeddedPromptQueue.open();
    q.put(entry('b', 1));
    q.put(entry('a', 1));
    q.put(entry('c', 0));
    q.put(entry('front', -5));
    const order = [];
    for (let i = 0; i < 4; i++) order.push((await q.take()).promptId);
    expect(order).toEqual(['front', 'c', 'a', 'b']);
  });

  it('take waits for a put; delete and clear touch only pending prompts', async () => {
    const q = EmbeddedPromptQueue.open();
    const waiting = q.take();
    q.put(entry('run', 0));
    expect((await waiting).promptId).toBe('run');
    q.put(entry('p1', 1));
    q.put(entry('p2', 2));
    q.put(entry('p3', 3));
    expect(q.delete(['p2', 'run'])).toBe(1);
    expect(q.pending().map((e) => e.promptId).sort()).toEqual(['p1', 'p3']);
    expect(q.running().map((e) => e.promptId)).toEqual(['run']);
    expect(q.remaining()).toBe(3);
    expect(q.clear()).toBe(2);
    expect(q.remaining()).toBe(1);
    expect(() => q.put(entry('run', 9))).toThrow(/already queued/);
  });

  it('a take aborted by its signal rejects and does not swallow the next put', async () => {
    const q = EmbeddedPromptQueue.open();
    const ac = new AbortController();
    const t = q.take(ac.signal);
    ac.abort(new Error('stop'));
    await expect(t).rejects.toThrow('stop');
    q.put(entry('x', 0));
    expect(q.pending().map((e) => e.promptId)).toEqual(['x']);
  });

  it('notifies subscribers on every change', async () => {
    const q = EmbeddedPromptQueue.open();
    let n = 0;
    q.subscribe(() => n++);
    q.put(entry('a', 0));
    await q.take();
    q.finish('a');
    expect(n).toBe(3);
  });

  it('replays from disk: pending stay pending, a running prompt is re-queued, finished ones are gone', async () => {
    const dir = tempDir();
    const q1 = EmbeddedPromptQueue.open({ stateDir: dir });
    expect(q1.nextNumber()).toBe(0);
    q1.put(entry('done', 0));
    q1.put(entry('running', 1));
    q1.put(entry('pending', 2, { sensitive: { api_key_comfy_org: 'SECRET' } }));
    q1.put(entry('deleted', 3));
    await q1.take();
    q1.finish('done');
    await q1.take();
    q1.delete(['deleted']);
    // no close(): simulate a killed process
    const q2 = EmbeddedPromptQueue.open({ stateDir: dir });
    expect(q2.running()).toEqual([]);
    expect(q2.pending().map((e) => e.promptId).sort()).toEqual(['pending', 'running']);
    expect((await q2.take()).promptId).toBe('running');
    const p = await q2.take();
    expect(p.prompt['1']!.inputs!.seed).toBe(18446744073709551615n);
    expect(p.sensitive).toBeUndefined();
    expect(readFileSync(path.join(dir, 'queue.jsonl'), 'utf8')).not.toContain('SECRET');
    expect(q2.nextNumber()).toBeGreaterThanOrEqual(1);
  });

  it('skips a torn last line', () => {
    const dir = tempDir();
    const q1 = EmbeddedPromptQueue.open({ stateDir: dir });
    q1.put(entry('ok', 0));
    appendFileSync(path.join(dir, 'queue.jsonl'), '{"op":"put","entry":{"numb');
    const logs: string[] = [];
    const q2 = EmbeddedPromptQueue.open({ stateDir: dir, log: (m) => logs.push(m) });
    expect(q2.pending().map((e) => e.promptId)).toEqual(['ok']);
    expect(logs.join('\n')).toMatch(/queue\.jsonl:\d+: skipped: not JSON/);
  });
});
