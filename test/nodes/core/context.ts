/** A minimal real NodeContext over a temp data directory, for calling `def.run(ctx, inputs)` directly. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataDirs, type DataDirs } from '../../../server/data-dir.js';
import type { NodeContext, NodeServices } from '../../../server/engine/node-definition.js';

/** A data directory in a fresh temp dir, and its cleanup. */
export function tempDataDirs(): { dirs: DataDirs; cleanup: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-'));
  return { dirs: dataDirs(root), cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/** A context whose services hold `dirs`; progress and text are recorded in `events`. */
export function nodeContext(dirs: DataDirs, opts: { nodeType?: string; signal?: AbortSignal } = {}): NodeContext & { events: unknown[] } {
  const signal = opts.signal ?? new AbortController().signal;
  const events: unknown[] = [];
  return {
    nodeId: '1',
    nodeType: opts.nodeType ?? 'Test',
    promptId: 'test-prompt',
    signal,
    // Other layers add services by declaration merging; these nodes only use the data directory.
    services: { dirs } as NodeServices,
    events,
    progress: (value, max) => void events.push({ progress: [value, max] }),
    throwIfInterrupted: () => signal.throwIfAborted(),
    text: (message) => void events.push({ text: message }),
    log: (message) => void events.push({ log: message }),
  };
}
