/**
 * The contract every `QueueFront` (the queue as the routes see it) meets, run against each backend: ComfyUI's
 * numbering, duplicate ids, pending/running/remaining, delete and clear, change notifications.
 */
import { describe, expect, it } from 'vitest';
import type { ApiPrompt } from '../../../server/protocol/api-prompt.js';
import type { QueueEntry, QueueFront } from '../../../server/queue/types.js';

export interface ContractSubject {
  readonly front: QueueFront;
  close(): Promise<void>;
}

const prompt = { '1': { class_type: 'CountCalls', inputs: { a: 1 } } } as unknown as ApiPrompt;
const entry = (promptId: string, number: number): QueueEntry => ({ number, promptId, prompt, extraData: { client_id: 'c' }, outputs: ['1'] });
const byNumber = (es: readonly QueueEntry[]) => [...es].sort((a, b) => a.number - b.number).map((e) => e.promptId);

/** Declares the contract tests for the subject `open` makes (a fresh, empty queue per test). */
export function runQueueFrontContract(name: string, open: () => Promise<ContractSubject>): void {
  const withQueue = (fn: (q: QueueFront) => Promise<void>) => async () => {
    const s = await open();
    try {
      await fn(s.front);
    } finally {
      await s.close();
    }
  };

  describe(`${name} meets the QueueFront contract`, () => {
    it('numbers prompts 0, 1, 2...', withQueue(async (q) => {
      expect([await q.nextNumber(), await q.nextNumber(), await q.nextNumber()]).toEqual([0, 1, 2]);
    }));

    it('keeps pending prompts by number, counts them and refuses a duplicate id', withQueue(async (q) => {
      let changes = 0;
      q.subscribe(() => changes++);
      await q.put(entry('a', 5));
      await q.put(entry('b', -2));
      await q.put(entry('c', 3));
      expect(byNumber(await q.pending())).toEqual(['b', 'c', 'a']);
      expect(await q.running()).toEqual([]);
      expect(await q.remaining()).toBe(3);
      expect(await q.has('a')).toBe(true);
      expect(await q.has('zz')).toBe(false);
      expect(changes).toBeGreaterThanOrEqual(3);
      await expect(async () => q.put(entry('a', 9))).rejects.toThrow(/already queued/);
      const pendingA = (await q.pending()).find((e) => e.promptId === 'a')!;
      expect(pendingA).toMatchObject({ number: 5, extraData: { client_id: 'c' }, outputs: ['1'] });
      expect(pendingA.prompt).toEqual(prompt);
    }));

    it('deletes the given pending prompts and clears the rest', withQueue(async (q) => {
      for (const [id, n] of [['a', 1], ['b', 2], ['c', 3], ['d', 4]] as const) await q.put(entry(id, n));
      expect(await q.delete(['b', 'nope'])).toBe(1);
      expect(byNumber(await q.pending())).toEqual(['a', 'c', 'd']);
      expect(await q.has('b')).toBe(false);
      expect(await q.clear()).toBe(3);
      expect(await q.pending()).toEqual([]);
      expect(await q.remaining()).toBe(0);
      await q.put(entry('b', 7)); // a deleted id can be queued again
      expect(await q.has('b')).toBe(true);
    }));
  });
}
