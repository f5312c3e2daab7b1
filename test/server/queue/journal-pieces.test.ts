/**
 * Long journal lines written in pieces (issue 19, docs/reliability.md "JSON"): the line survives whole (a
 * remembered text, multi-byte characters across piece borders, a sync append in between), and a piece that fails
 * on a full disk cuts the whole line back and applies nothing.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rememberJsonText } from '../../../server/protocol/json-codec.js';
import { StateWriteError } from '../../../server/queue/journal-fs.js';
import { Journal, PIECEWISE_LINE_CHARS } from '../../../server/queue/journal.js';
import { utf8Pieces } from '../../../server/queue/journal-line-pieces.js';
import { EmbeddedPromptQueue } from '../../../server/queue/embedded-queue.js';
import { faultyFs } from '../../support/faulty-fs.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'pg-journal-pieces-'));
  dirs.push(d);
  return d;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const schema = z.object({ n: z.number(), pad: z.unknown().optional() });

describe('utf8Pieces', () => {
  it('never splits a surrogate pair and gives the same bytes as one encode', () => {
    const texts = ['ab😀', '😀c', 'é'.repeat(7), '😀😀😀'];
    for (const max of [2, 3, 4, 5, 64]) {
      const pieces = [...utf8Pieces(texts, max)];
      expect(Buffer.concat(pieces).equals(Buffer.from(texts.join('')))).toBe(true);
      expect(pieces.every((p) => !p.toString('utf8').includes('\uFFFD'))).toBe(true);
    }
  });
});

describe('Journal.appendInPieces', () => {
  it('writes a 5 MB line in pieces with the event loop turning between them, whole, even with a sync append in between', async () => {
    const file = path.join(tempDir(), 'j.jsonl');
    const j = new Journal(file, { schema });
    const pad = { text: '😀 a cat '.repeat((5 * PIECEWISE_LINE_CHARS) / 9) };
    rememberJsonText(pad, JSON.stringify(pad));
    let written = -1;
    let turns = 0;
    const tick = setInterval(() => turns++, 0);
    const done = j.appendInPieces({ n: 1, pad }, (bytes) => (written = bytes));
    expect(done).toBeInstanceOf(Promise);
    await new Promise((r) => setTimeout(r, 5));
    expect(written).toBe(-1); // not all written yet
    j.append({ n: 2 }); // finishes line 1 first
    expect(written).toBeGreaterThan(5 * PIECEWISE_LINE_CHARS);
    await done;
    clearInterval(tick);
    expect(turns).toBeGreaterThan(0);
    const ops = new Journal(file, { schema }).load();
    expect(ops.map((o) => o.op.n)).toEqual([1, 2]);
    expect(ops[0]!.op.pad).toEqual(pad);
    expect(ops[0]!.bytes).toBe(written);
  });

  it('cuts a line whose piece fails on a full disk back off and rejects with StateWriteError', async () => {
    const file = path.join(tempDir(), 'j.jsonl');
    const fs = faultyFs();
    const j = new Journal(file, { schema, fs });
    j.append({ n: 1 });
    const pad = 'x'.repeat(3 * PIECEWISE_LINE_CHARS);
    let applied = false;
    const done = j.appendInPieces({ n: 2, pad }, () => (applied = true));
    await new Promise((r) => setImmediate(r)); // the first piece is written
    fs.full = true;
    fs.partialBytes = 5;
    await expect(done).rejects.toThrow(StateWriteError);
    expect(applied).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n');
    fs.full = false;
    j.append({ n: 3 });
    expect(new Journal(file, { schema }).load().map((o) => o.op.n)).toEqual([1, 3]);
  });

  it('queues a big prompt only once its line is written, and not at all when the write fails', async () => {
    const dir = tempDir();
    const fs = faultyFs();
    const q = EmbeddedPromptQueue.open({ stateDir: dir, fs });
    const prompt = { a: { class_type: 'X', inputs: { text: 'y'.repeat(2 * PIECEWISE_LINE_CHARS) } } };
    const entry = (id: string) => ({ number: q.nextNumber(), promptId: id, prompt, extraData: {}, outputs: ['a'] });
    const put = q.put(entry('big'));
    expect(q.remaining()).toBe(0);
    expect(() => q.put(entry('big'))).toThrow(/already queued/);
    await put;
    expect(q.remaining()).toBe(1);
    const failing = q.put(entry('big2'));
    fs.full = true;
    await expect(failing).rejects.toThrow(StateWriteError);
    fs.full = false;
    expect(q.remaining()).toBe(1);
    await q.close();
    const again = EmbeddedPromptQueue.open({ stateDir: dir });
    expect(again.pending().map((e) => e.promptId)).toEqual(['big']);
    expect(again.pending()[0]!.prompt).toEqual(prompt);
    await again.close();
  });
});
