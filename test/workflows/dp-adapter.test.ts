/**
 * workflows/dp-adapter-perceptual-image.json and dp-adapter-semantic-image.json end to end on the tiny .safetensors checkpoint and adapter (256², IP-Adapter built into the converted UNet):
 * LoadImage → DeCLIP (ViT-H space) → DPAdapterApply with the split prompt's other half → KSampler → SaveImage,
 * through the real API server and through the CLI.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataDirs } from '../../server/data-dir.js';
import { coreNodes } from '../../nodes/core/index.js';
import { declipNodes } from '../../nodes/declip/index.js';
import { dpAdapterNodes } from '../../nodes/dp-adapter/index.js';
import { sdNodes } from '../../nodes/sd/index.js';
import { runCli } from '../support/cli.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { loadWorkflow, withWidget, workflowFile, writeGradientPng } from '../support/workflows.js';

/** Node ids in both workflows. */
const LOAD_IMAGE = 2;
const DP_APPLY = 9;
const SAVE = 13;
const WORKFLOWS = ['dp-adapter-perceptual-image', 'dp-adapter-semantic-image'];

async function pixels(png: Buffer): Promise<Buffer> {
  return sharp(png).raw().toBuffer();
}

describe('DP-Adapter workflows through the API', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ nodes: [...coreNodes, ...sdNodes, ...declipNodes, ...dpAdapterNodes], tinyModels: true });
    await writeGradientPng(s.dirs.input);
    await writeGradientPng(s.dirs.input, 'other.png', 100);
  });
  afterAll(() => s?.close());

  async function run(workflow: Record<string, any>): Promise<Buffer> {
    const entry = await s.waitForHistory(await s.queueWorkflow(workflow), 60_000);
    expect(entry.status.status_str, JSON.stringify(entry.status.messages)).toBe('success');
    const img = entry.outputs[String(SAVE)].images[0];
    return s.view(img);
  }

  for (const name of WORKFLOWS) {
    it(`${name}: runs, and the reference image steers the result (not at weight 0)`, async () => {
      const workflow = loadWorkflow(name);
      const png = await run(workflow);
      const a = await pixels(png);
      const meta = await sharp(png).metadata();
      expect([meta.width, meta.height]).toEqual([256, 256]);
      const otherRef = withWidget(workflow, LOAD_IMAGE, 0, 'other.png');
      const b = await pixels(await run(otherRef));
      expect(a.equals(b)).toBe(false);
      // At weight 0 the adapter is off, so the reference image no longer matters.
      const off = await pixels(await run(withWidget(workflow, DP_APPLY, 1, 0)));
      const offOther = await pixels(await run(withWidget(otherRef, DP_APPLY, 1, 0)));
      expect(off.equals(offOther)).toBe(true);
      expect(off.equals(a)).toBe(false);
    }, 120_000);
  }
});

describe('DP-Adapter workflows through the CLI', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

  for (const name of WORKFLOWS) {
    it(`${name}: node bin/perceptgraph.mjs run saves an image`, async () => {
      const root = mkdtempSync(path.join(os.tmpdir(), 'pg-dp-cli-'));
      roots.push(root);
      await writeGradientPng(dataDirs(root).input);
      const r = await runCli(workflowFile(name), root);
      expect(r.code, r.stderr).toBe(0);
      const outputs = (JSON.parse(r.stdout).outputs as Record<string, { images?: { filename: string; subfolder: string }[] }>);
      const img = outputs[String(SAVE)]!.images![0]!;
      const meta = await sharp(readFileSync(path.join(root, 'output', img.subfolder, img.filename))).metadata();
      expect([meta.width, meta.height]).toEqual([256, 256]);
    }, 180_000);
  }
});
