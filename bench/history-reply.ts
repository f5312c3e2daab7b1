/**
 * The history at its 10,000-entry cap (~5 KiB per entry, ~50 MiB of journal): how long a server takes to start
 * on it, how long the unpaged `GET /history` takes, and the longest event-loop stall during that reply (how long
 * every other client waits). Issue 19 measured 10–12 s to start and a 7 s reply that blocked everyone.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { startServer } from '../server/api/server.js';
import { dataDirs } from '../server/data-dir.js';
import { Engine } from '../server/engine/engine.js';
import { NodeRegistry } from '../server/engine/registry.js';
import { HistoryStore } from '../server/queue/history-store.js';

export interface HistoryReplyFigures {
  readonly entries: number;
  readonly journalMiB: number;
  readonly startMs: number;
  readonly replyMs: number;
  readonly replyMiB: number;
  readonly maxStallMs: number;
}

export async function benchHistoryReply(entries = 10_000): Promise<HistoryReplyFigures> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pg-bench-history-'));
  try {
    const dirs = dataDirs(root);
    const seed = new HistoryStore({ stateDir: dirs.state });
    for (let i = 0; i < entries; i++) {
      seed.add(`prompt-${i}`, {
        prompt: [i, `prompt-${i}`, { '1': { class_type: 'CLIPTextEncode', inputs: { text: 'a photo of a cat, '.repeat(280), seed: 18446744073709551615n } } }, {}, ['1']],
        outputs: { '9': { images: [{ filename: `ComfyUI_${i}_.png`, subfolder: '', type: 'output' }] } },
        status: { status_str: 'success', completed: true, messages: [] },
        meta: {},
      });
    }
    const journalMiB = statSync(path.join(dirs.state, 'history.jsonl')).size / 2 ** 20;
    const engine = new Engine({ registry: new NodeRegistry([]), services: { dirs } as never });
    let t = performance.now();
    const server = await startServer({ engine, dirs, port: 0, log: () => undefined });
    const startMs = performance.now() - t;
    const stall = monitorEventLoopDelay({ resolution: 5 });
    stall.enable();
    t = performance.now();
    const body = await (await fetch(`${server.url}/history`)).arrayBuffer();
    const replyMs = performance.now() - t;
    stall.disable();
    await server.close();
    return { entries, journalMiB, startMs, replyMs, replyMiB: body.byteLength / 2 ** 20, maxStallMs: stall.max / 1e6 };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
