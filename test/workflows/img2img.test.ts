/**
 * workflows/img2img.json end to end on the tiny models (LoadImage → VAEEncode → KSampler with denoise < 1 →
 * VAEDecode → SaveImage), through the real API server and through the CLI.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPngTextChunks } from '../../models/image/png-text.js';
import { coreNodes } from '../../nodes/core/index.js';
import { sdNodes } from '../../nodes/sd/index.js';
import { dataDirs } from '../../server/data-dir.js';
import { runCli } from '../support/cli.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { firstImage, loadWorkflow, withWidget, workflowFile, writeGradientPng } from '../support/workflows.js';

const KSAMPLER = 3;

describe('workflows/img2img.json through the API', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ nodes: [...coreNodes, ...sdNodes], tinyModels: true });
    await writeGradientPng(s.dirs.input);
  });
  afterAll(() => s?.close());

  async function run(workflow: Record<string, any>) {
    const entry = await s.waitForHistory(await s.queueWorkflow(workflow));
    expect(entry.status.status_str, JSON.stringify(entry.status.messages)).toBe('success');
    const res = await fetch(`${s.url}/view?${new URLSearchParams(firstImage(entry))}`);
    return Buffer.from(await res.arrayBuffer());
  }

  it('re-noises the encoded image part-way (denoise 0.6) and saves it with metadata', async () => {
    const workflow = loadWorkflow('img2img');
    const png = await run(workflow);
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height]).toEqual([96, 80]);
    const text = readPngTextChunks(png);
    const prompt = JSON.parse(text.prompt!);
    expect(prompt[String(KSAMPLER)].inputs.denoise).toBe(0.6);
    expect(prompt['11'].class_type).toBe('VAEEncode');
    expect(JSON.parse(text.workflow!).id).toBe(workflow.id);
    const stronger = await run(withWidget(workflow, KSAMPLER, 6, 1));
    const [a, b] = await Promise.all([sharp(png).raw().toBuffer(), sharp(stronger).raw().toBuffer()]);
    expect(a.equals(b)).toBe(false);
  });
});

describe('workflows/img2img.json through the CLI', () => {
  let data: string;
  beforeAll(async () => {
    data = mkdtempSync(path.join(os.tmpdir(), 'pg-cli-'));
    await writeGradientPng(dataDirs(data).input);
  });
  afterAll(() => rmSync(data, { recursive: true, force: true }));

  it('runs headless and writes the PNG with prompt and workflow chunks', async () => {
    const r = await runCli(workflowFile('img2img'), data);
    expect(r.code, r.stderr).toBe(0);
    const outputs = (JSON.parse(r.stdout).outputs as Record<string, { images: { filename: string; subfolder: string }[] }>);
    const img = Object.values(outputs).flatMap((o) => o.images ?? [])[0]!;
    const png = readFileSync(path.join(data, 'output', img.subfolder, img.filename));
    const text = readPngTextChunks(png);
    expect(Object.keys(text)).toEqual(expect.arrayContaining(['prompt', 'workflow']));
    expect((await sharp(png).metadata()).width).toBe(96);
  }, 120_000);
});
