/** Issue 19: a full disk answers 507, applies nothing unwritten, and loses no finished prompt once space returns. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { faultyFs } from '../../support/faulty-fs.js';
import { stubNodes } from '../../support/stub-nodes.js';
import { startTestServer } from '../../support/test-server.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-diskfull-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const sleepPrompt = (ms: number) => ({
  '1': { class_type: 'Sleep', inputs: { ms, steps: 1 } },
  '2': { class_type: 'StubOutput', inputs: { value: ['1', 0] } },
});

describe('disk full', () => {
  it('POST /prompt → 507 with a clear message; the running prompt is recorded once space returns and survives a restart', async () => {
    const disk = faultyFs();
    disk.partialBytes = 10;
    const s = await startTestServer({ nodes: stubNodes, dataRoot: root, journalFs: disk });
    disk.full = true;
    const refused = await s.postJson('/prompt', { prompt: sleepPrompt(0) });
    expect(refused.status).toBe(507);
    expect(refused.body.error).toMatchObject({ type: 'insufficient_storage', message: expect.stringMatching(/no space left.*nothing was changed/) });
    expect(refused.body.error.message).not.toContain(root);
    expect((await s.getJson('/queue')).body).toEqual({ queue_running: [], queue_pending: [] });

    disk.full = false;
    const ok = await s.postJson('/prompt', { prompt: sleepPrompt(400) });
    expect(ok.status).toBe(200);
    const id = ok.body.prompt_id as string;
    disk.full = true; // fills up while the prompt runs
    for (let i = 0; i < 200 && !s.logs.some((l) => /worker: cannot write server state \(history\.jsonl\)/.test(l)); i++) await new Promise((r) => setTimeout(r, 25));
    expect((await s.getJson(`/history/${id}`)).body).toEqual({});
    disk.full = false;
    const entry = await s.waitForHistory(id);
    expect(entry.status.status_str).toBe('success');
    await s.close({ keepData: true });

    const again = await startTestServer({ nodes: stubNodes, dataRoot: root });
    try {
      expect((await again.getJson(`/history/${id}`)).body[id].status.status_str).toBe('success');
      expect((await again.getJson('/queue')).body).toEqual({ queue_running: [], queue_pending: [] });
      expect(again.logs.filter((l) => /skipped/.test(l))).toEqual([]);
    } finally {
      await again.close({ keepData: true });
    }
  }, 30_000);
});
