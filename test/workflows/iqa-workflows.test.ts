/**
 * workflows/iqa-score.json and workflows/clip-vs-declip.json end to end on the tiny models: through the real API
 * server (UI workflow → /prompt → /history) and through `perceptgraph run`. The tiny models are random, so only the
 * shape and consistency of the scores are checked, never whether they rank quality well.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreNodes } from '../../nodes/core/index.js';
import { declipNodes } from '../../nodes/declip/index.js';
import { runCli } from '../support/cli.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { loadWorkflow, workflowFile } from '../support/workflows.js';

type Outputs = Record<string, { scores?: Record<string, number>[]; text?: string[]; images?: unknown[] }>;

/** The two input images the workflows load: a smooth gradient and a noisy, darker copy. */
async function writeInputs(inputDir: string): Promise<void> {
  const w = 96;
  const h = 64;
  const clean = Buffer.alloc(w * h * 3);
  const noisy = Buffer.alloc(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const x = i % w;
    const y = Math.floor(i / w);
    const px = [(x * 255) / w, (y * 255) / h, 128];
    px.forEach((v, c) => {
      clean[i * 3 + c] = v;
      noisy[i * 3 + c] = Math.max(0, Math.min(255, v * 0.6 + ((i * 7919 + c * 104729) % 97) - 48));
    });
  }
  const png = (data: Buffer) => sharp(data, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
  fs.writeFileSync(path.join(inputDir, 'example.png'), await png(clean));
  fs.writeFileSync(path.join(inputDir, 'example-degraded.png'), await png(noisy));
}

const values = (o: Outputs, id: string) => o[id]!.scores!.map((r) => r.score!);

function checkIqaScore(o: Outputs): void {
  for (const id of ['9', '10', '11']) {
    expect(o[id]!.scores).toHaveLength(2);
    for (const v of values(o, id)) expect(v >= 0 && v <= 1).toBe(true);
  }
  expect(o['9']!.text![0]).toBe('Technical quality (DeCLIP perceptual): 2 image(s)');
  expect(o['10']!.text![0]).toBe('Aesthetic quality (DeCLIP perceptual): 2 image(s)');
  expect(Object.keys(o['11']!.scores![0]!)).toEqual([
    'image', 'score', 'brightness', 'colorfulness', 'contrast', 'noise', 'sharpness',
    'composition', 'color', 'depth_of_field', 'light', 'object_emphasis',
  ]);
  expect(o['11']!.text).toContain('noise: higher = cleaner (less noise)');
  // The gate keeps the technically best image of the two.
  expect(values(o, '14')).toEqual([Math.max(...values(o, '9'))]);
  expect(o['13']!.images).toHaveLength(1);
}

function checkClipVsDeclip(o: Outputs): void {
  expect(o['9']!.text![0]).toBe('Technical quality (CLIP): 2 image(s)');
  expect(o['10']!.text![0]).toBe('Technical quality (DeCLIP perceptual): 2 image(s)');
  expect(values(o, '9')).toHaveLength(2);
  expect(values(o, '10')).toHaveLength(2);
  expect(values(o, '10')).not.toEqual(values(o, '9'));
}

describe('IQA workflows', () => {
  let server: TestServer;
  const viaApi: Record<string, Outputs> = {};

  beforeAll(async () => {
    server = await startTestServer({ nodes: [...coreNodes, ...declipNodes], tinyModels: true });
    await writeInputs(server.dirs.input);
  });
  afterAll(() => server?.close());

  async function runViaApi(name: string): Promise<Outputs> {
    const entry = await server.waitForHistory(await server.queueWorkflow(loadWorkflow(name)), 60_000);
    expect(entry.status.status_str, JSON.stringify(entry.status.messages)).toBe('success');
    return entry.outputs as Outputs;
  }

  it('iqa-score.json scores technical and aesthetic quality plus the attributes through the API', async () => {
    viaApi['iqa-score'] = await runViaApi('iqa-score');
    checkIqaScore(viaApi['iqa-score']);
  });

  it('clip-vs-declip.json scores the same images with CLIP and DeCLIP side by side through the API', async () => {
    viaApi['clip-vs-declip'] = await runViaApi('clip-vs-declip');
    checkClipVsDeclip(viaApi['clip-vs-declip']);
  });

  for (const name of ['iqa-score', 'clip-vs-declip']) {
    it(`perceptgraph run ${name}.json gives the same scores as the API`, async () => {
      const r = await runCli(workflowFile(name), server.dirs.root);
      expect(r.code, `${r.stderr}\n(DeCLIP nodes must be registered in app/node-packs.ts: .addAll(declipNodes))`).toBe(0);
      const o = JSON.parse(r.stdout).outputs as Outputs;
      if (name === 'iqa-score') checkIqaScore(o);
      else checkClipVsDeclip(o);
      for (const id of ['9', '10']) {
        values(o, id).forEach((v, i) => expect(v).toBeCloseTo(values(viaApi[name]!, id)[i]!, 6));
      }
    }, 120_000);
  }
});
