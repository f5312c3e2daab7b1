/**
 * Every file in `workflows/` runs on a fresh install: a new data directory that only `perceptgraph setup` (what
 * `npm install` runs) has touched, with no hand-placed inputs. Each workflow runs through the real CLI
 * (`perceptgraph run`) and through the real API server (/prompt → /history); every output node must report
 * its results and every image it reports must exist on disk. The folder is listed at test time, so a workflow added later is covered without editing this file.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packs } from '../../app/node-packs.js';
import { EXAMPLE_INPUTS } from '../../app/examples/example-inputs.js';
import { isUiWorkflow } from '../../app/cli/run-command.js';
import { parseJson } from '../../server/protocol/json-codec.js';
import { runCli } from '../support/cli.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { REPO } from '../support/workflows.js';

const files = readdirSync(path.join(REPO, 'workflows')).filter((f) => f.endsWith('.json')).sort();
const exec = promisify(execFile);

type UiOutputs = Record<string, { images?: { filename: string; subfolder: string; type: string }[] } & Record<string, unknown>>;

/** The ids of the workflow's output nodes (object_info's `output_node`), as strings. */
function outputNodeIds(doc: any, s: TestServer): string[] {
  const info = s.engine.objectInfo() as Record<string, { output_node?: boolean }>;
  const nodes: [string, string][] = isUiWorkflow(doc)
    ? (doc.nodes as { id: number; type: string; mode?: number }[]).filter((n) => n.mode !== 2 && n.mode !== 4).map((n) => [String(n.id), n.type])
    : Object.entries(doc as Record<string, { class_type: string }>).map(([id, n]) => [id, n.class_type]);
  return nodes.filter(([, type]) => info[type]?.output_node).map(([id]) => id);
}

/** Every image an output node reports exists in the data dir. */
function expectImagesOnDisk(outputs: UiOutputs, root: string): void {
  for (const ui of Object.values(outputs)) {
    for (const img of ui.images ?? []) expect(existsSync(path.join(root, img.type, img.subfolder, img.filename)), JSON.stringify(img)).toBe(true);
  }
}

describe('every example workflow on a fresh install', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pg-fresh-'));
  let s: TestServer;

  beforeAll(async () => {
    const r = await exec(process.execPath, [path.join(REPO, 'bin/perceptgraph.mjs'), 'setup', '--data-dir', root], { cwd: REPO });
    expect(r.stdout).toContain('example inputs written');
    s = await startTestServer({ nodes: Object.values(packs).flat(), dataRoot: root });
  });
  afterAll(async () => {
    await s?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('setup wrote the example inputs and nothing else into input/', () => {
    expect(readdirSync(path.join(root, 'input')).sort()).toEqual(Object.values(EXAMPLE_INPUTS).sort());
    expect(files.length).toBeGreaterThanOrEqual(7);
  });

  describe.each(files)('%s', (file) => {
    const doc = parseJson(readFileSync(path.join(REPO, 'workflows', file), 'utf8')) as any;

    it('runs through the API', async () => {
      const promptId = isUiWorkflow(doc)
        ? await s.queueWorkflow(doc)
        : (await s.postJson('/prompt', { prompt: doc.prompt ?? doc })).body.prompt_id;
      // comfyui-default.json (512², 20 steps) takes 50–90 s while other test files share the 2 cores.
      const entry = await s.waitForHistory(promptId, 240_000);
      expect(entry.status.status_str, JSON.stringify(entry.status.messages)).toBe('success');
      const outputs = entry.outputs as UiOutputs;
      const expected = outputNodeIds(doc, s);
      expect(expected.length).toBeGreaterThan(0);
      // Every output node reports (other nodes may add UI outputs too, e.g. GatedGenerate's tries).
      expect(Object.keys(outputs)).toEqual(expect.arrayContaining(expected));
      expectImagesOnDisk(outputs, root);
    }, 300_000);

    it('runs through the CLI', async () => {
      const r = await runCli(path.join(REPO, 'workflows', file), root);
      expect(r.code, r.stderr).toBe(0);
      const summary = JSON.parse(r.stdout) as { status: string; outputs: UiOutputs; files: { path: string }[] };
      expect(summary.status).toBe('success');
      const outputs = summary.outputs;
      for (const f of summary.files) expect(path.isAbsolute(f.path) && existsSync(f.path), f.path).toBe(true);
      expect(Object.keys(outputs)).toEqual(expect.arrayContaining(outputNodeIds(doc, s)));
      expectImagesOnDisk(outputs, root);
    }, 300_000);
  });
});
