/**
 * The journal under queue and history: chunked reads, per-line validation, disk-full cut-back, size tracking, long
 * lines written in pieces.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StateWriteError } from '../../../server/queue/journal-fs.js';
import { Journal, PIECEWISE_LINE_CHARS, type BadLine } from '../../../server/queue/journal.js';
import { utf8Pieces } from '../../../server/queue/journal-line-pieces.js';
import { rememberJsonText } from '../../../server/protocol/json-codec.js';
import { EmbeddedPromptQueue } from '../../../server/queue/embedded-queue.js';
import { HistoryStore } from '../../../server/queue/history-store.js';
import { faultyFs } from '../../support/faulty-fs.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'pg-journal-'));
  dirs.push(d);
  return d;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const schema = z.object({ n: z.number() });

describe('Journal.load', () => {
  it('reads lines across 1 MiB chunk borders and reports bad lines with file and line number', () => {
    const file = path.join(tempDir(), 'j.jsonl');
    const big = 'x'.repeat(3 * 1024 * 1024);
    writeFileSync(file, `{"n":1}\nnull\n{"n":"two"}\n{"n":2,"pad":"${big}"}\n\n{"n":3}\n{"n":`);
    const bad: BadLine[] = [];
    const ops = new Journal(file, { schema }).load((b) => bad.push(b));
    expect(ops.map((o) => o.op.n)).toEqual([1, 2, 3]);
    expect(ops[1]!.bytes).toBe(big.length + 17);
    expect(bad.map((b) => [b.file, b.lineNo, b.reason.split(' (')[0]])).toEqual([
      [file, 2, 'unexpected shape'],
      [file, 3, 'unexpected shape'],
      [file, 7, 'not JSON'],
    ]);
  });
});

describe('Journal.append on a full disk', () => {
  it('throws StateWriteError, cuts the torn line back off, and appends cleanly once space returns', () => {
    const file = path.join(tempDir(), 'j.jsonl');
    const fs = faultyFs();
    const j = new Journal(file, { schema, fs });
    j.append({ n: 1 });
    fs.full = true;
    fs.partialBytes = 3;
    expect(() => j.append({ n: 2 })).toThrow(StateWriteError);
    expect(() => j.append({ n: 2 })).toThrow(/no space left on the device.*nothing was changed/);
    expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n');
    fs.full = false;
    j.append({ n: 3 });
    expect(new Journal(file, { schema }).load().map((o) => o.op.n)).toEqual([1, 3]);
  });
});

describe('wrong-shaped queue and history journals', () => {
  it.each(['null', '{"op":"put"}', '{"op":"put","next":1,"entry":{"number":1,"prompt_id":"x"}}', '[]', '{"op":"take"}', '"text"'])(
    'the queue skips %s, logs file:line, and keeps the rest',
    (line) => {
      const dir = tempDir();
      const q1 = EmbeddedPromptQueue.open({ stateDir: dir });
      q1.put({ number: 0, promptId: 'ok', prompt: {}, extraData: {}, outputs: [] });
      appendFileSync(path.join(dir, 'queue.jsonl'), `${line}\n`);
      const logs: string[] = [];
      const q2 = EmbeddedPromptQueue.open({ stateDir: dir, log: (m) => logs.push(m) });
      expect(q2.pending().map((e) => e.promptId)).toEqual(['ok']);
      expect(logs.join('\n')).toMatch(/queue\.jsonl:3: skipped: unexpected shape/);
    },
  );

  it.each(['null', '{"op":"add","id":"y"}', '{"op":"add","id":"y","entry":{"prompt":[]}}', '{"op":"delete"}'])('the history skips %s', (line) => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'history.jsonl'), `${line}\n`);
    const logs: string[] = [];
    const h = new HistoryStore({ stateDir: dir, log: (m) => logs.push(m) });
    expect(h.size).toBe(0);
    expect(logs.join('\n')).toMatch(/history\.jsonl:1: skipped: unexpected shape/);
  });
});

describe('compaction on size', () => {
  it('rewrites the queue journal once big prompts are finished, however few lines were appended', async () => {
    const dir = tempDir();
    const q = EmbeddedPromptQueue.open({ stateDir: dir });
    const big = 'y'.repeat(12 * 1024 * 1024);
    for (let i = 0; i < 7; i++) {
      q.put({ number: i, promptId: `p${i}`, prompt: { '1': { class_type: 'X', inputs: { text: big } } }, extraData: {}, outputs: [] });
      const e = await q.take();
      q.finish(e.promptId);
    }
    expect(readFileSync(path.join(dir, 'queue.jsonl')).length).toBeLessThan(64 * 1024 * 1024 + 2 * big.length);
    const q2 = EmbeddedPromptQueue.open({ stateDir: dir });
    expect(q2.remaining()).toBe(0);
    expect(readFileSync(path.join(dir, 'queue.jsonl'), 'utf8').length).toBeLessThan(100);
  });

  it('bounds the history by bytes as well as by count, dropping the oldest', () => {
    const dir = tempDir();
    const h = new HistoryStore({ stateDir: dir, maxBytes: 10_000 });
    const entry = (pad: string) => ({ prompt: [0, 'x', {}, { pad }, []] as never, outputs: {}, status: { status_str: 'success' as const, completed: true, messages: [] }, meta: {} });
    for (let i = 0; i < 5; i++) h.add(`e${i}`, entry('z'.repeat(3000)));
    expect(Object.keys(h.list())).toEqual(['e2', 'e3', 'e4']);
    expect(Object.keys(new HistoryStore({ stateDir: dir, maxBytes: 10_000 }).list())).toEqual(['e2', 'e3', 'e4']);
  });
});

describe('a torn last line', () => {
  it('does not swallow the next append when the history is not compacted at open', () => {
    const dir = tempDir();
    const entry = { prompt: [0, 'x', {}, {}, []] as never, outputs: {}, status: { status_str: 'success' as const, completed: true, messages: [] }, meta: {} };
    new HistoryStore({ stateDir: dir }).add('a', entry);
    appendFileSync(path.join(dir, 'history.jsonl'), '{"op":"add","id":"torn","ent');
    const logs: string[] = [];
    new HistoryStore({ stateDir: dir, log: (m) => logs.push(m) }).add('b', entry);
    expect(Object.keys(new HistoryStore({ stateDir: dir }).list())).toEqual(['a', 'b']);
    expect(logs.join('\n')).toMatch(/history\.jsonl:2: skipped: not JSON/);
  });
});

// Long lines written in pieces (issue 19): whole, in journal order, and cut back when a piece fails.
const paddedSchema = z.object({ n: z.number(), pad: z.unknown().optional() });

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
    const j = new Journal(file, { schema: paddedSchema });
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
    const ops = new Journal(file, { schema: paddedSchema }).load();
    expect(ops.map((o) => o.op.n)).toEqual([1, 2]);
    expect(ops[0]!.op.pad).toEqual(pad);
    expect(ops[0]!.bytes).toBe(written);
  });

  it('writes a second long line after the first, whole and in order, with a remembered text kept as shared bytes', async () => {
    const file = path.join(tempDir(), 'j.jsonl');
    const j = new Journal(file, { schema: paddedSchema });
    const first = { text: '猫 '.repeat(2 * PIECEWISE_LINE_CHARS) };
    const bytes = Buffer.from(new SharedArrayBuffer(Buffer.byteLength(JSON.stringify(first))));
    bytes.write(JSON.stringify(first));
    rememberJsonText(first, bytes);
    const order: number[] = [];
    const a = j.appendInPieces({ n: 1, pad: first }, () => order.push(1));
    const b = j.appendInPieces({ n: 2, pad: 'y'.repeat(2 * PIECEWISE_LINE_CHARS) }, () => order.push(2));
    await Promise.all([a, b]);
    expect(order).toEqual([1, 2]);
    const ops = new Journal(file, { schema: paddedSchema }).load();
    expect(ops.map((o) => o.op.n)).toEqual([1, 2]);
    expect(ops[0]!.op.pad).toEqual(first);
  });

  it('cuts a line whose piece fails on a full disk back off and rejects with StateWriteError', async () => {
    const file = path.join(tempDir(), 'j.jsonl');
    const fs = faultyFs();
    const j = new Journal(file, { schema: paddedSchema, fs });
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
    expect(new Journal(file, { schema: paddedSchema }).load().map((o) => o.op.n)).toEqual([1, 3]);
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
