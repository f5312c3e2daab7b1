import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryStore, type HistoryEntry } from '../../../server/queue/history-store.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function record(id: string): HistoryEntry {
  return {
    prompt: [0, id, {}, {}, []],
    outputs: { '9': { images: [{ filename: `${id}.png`, subfolder: '', type: 'output' }] } },
    status: { status_str: 'success', completed: true, messages: [['execution_start', { prompt_id: id, timestamp: 1 }]] },
    meta: {},
  };
}

describe('HistoryStore.list', () => {
  const h = new HistoryStore();
  ['a', 'b', 'c', 'd', 'e'].forEach((id) => h.add(id, record(id)));

  it('returns everything oldest first by default', () => {
    expect(Object.keys(h.list())).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
  it('max_items without offset gives the last N', () => {
    expect(Object.keys(h.list({ maxItems: 2 }))).toEqual(['d', 'e']);
  });
  it('offset starts at an index, max_items bounds the count', () => {
    expect(Object.keys(h.list({ offset: 1, maxItems: 2 }))).toEqual(['b', 'c']);
    expect(Object.keys(h.list({ offset: 3 }))).toEqual(['d', 'e']);
  });
});

describe('HistoryStore', () => {
  it('evicts the oldest beyond maxItems', () => {
    const h = new HistoryStore({ maxItems: 3 });
    ['a', 'b', 'c', 'd'].forEach((id) => h.add(id, record(id)));
    expect(Object.keys(h.list())).toEqual(['b', 'c', 'd']);
  });

  it('persists adds, deletes and clears across instances', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pg-history-'));
    dirs.push(dir);
    const h1 = new HistoryStore({ stateDir: dir });
    ['a', 'b', 'c'].forEach((id) => h1.add(id, record(id)));
    h1.delete(['b']);
    expect(Object.keys(new HistoryStore({ stateDir: dir }).list())).toEqual(['a', 'c']);
    expect(new HistoryStore({ stateDir: dir }).get('c')).toEqual(record('c'));
    h1.clear();
    expect(new HistoryStore({ stateDir: dir }).size).toBe(0);
  });
});
