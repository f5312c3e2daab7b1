/**
 * Reviewing results in real Chromium against the real server: a batch as a grid on the node with a lightbox,
 * scores with significant digits, no line cap and a bar per image, the queue/history panel (time, duration,
 * status, thumbnail, delete, clear, and loading a past run with its outputs), the stand-in models warning from
 * `/system_stats`, and a training's live phases and summary. Screenshots in `test-artifacts/graph-editor/`.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreNodes } from '../../nodes/core/index.js';
import { declipTrainNodes } from '../../nodes/declip-train/index.js';
import { writeSynthSet, writeTestClip } from '../models/declip/train/fixtures.js';
import { stubNodes } from '../support/stub-nodes.js';
import { chromiumPath, screenshot, startHarness, waitForRun, type EditorHarness } from './editor-harness.js';
import { clickQueue, emptyWorkflow, nextFrames, node, StubScores, toPage } from './editor-fixtures.js';

async function load(page: Page, wf: unknown): Promise<void> {
  await page.evaluate((w) => window.perceptgraph!.loadWorkflow(w), wf);
  await nextFrames(page);
}

/** StubImage (a batch of 4) → SaveImage 2, and StubScores 3. */
function reviewWorkflow() {
  return {
    ...emptyWorkflow(), last_node_id: 3, last_link_id: 1,
    nodes: [
      node(1, 'StubImage', [40, 80], { inputs: [], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [1] }], widgets_values: [24, 16, 4, 0.3] }),
      node(2, 'SaveImage', [380, 80], { size: [300, 120], inputs: [{ name: 'images', type: 'IMAGE', link: 1 }], outputs: [], widgets_values: ['grid'] }),
      node(3, 'StubScores', [740, 80], { size: [300, 80], inputs: [], outputs: [], widgets_values: [14] }),
    ],
    links: [[1, 1, 0, 2, 0, 'IMAGE']],
  };
}

describe.skipIf(!existsSync(chromiumPath))('editor review in Chromium', () => {
  let h: EditorHarness;
  let page: Page;
  let consoleErrors: string[];
  let runId = '';

  beforeAll(async () => {
    h = await startHarness({ nodes: [...stubNodes, ...coreNodes, StubScores, ...declipTrainNodes], workflows: {} });
    ({ page, consoleErrors } = await h.openEditor());
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('shows a batch as a grid on the node and steps through it in a lightbox', async () => {
    await load(page, reviewWorkflow());
    runId = await clickQueue(page);
    await waitForRun(page, runId);
    await page.waitForFunction(() => window.perceptgraph!.app.runState.get(2).cells.length === 4, undefined, { timeout: 10_000 });
    const cells = await page.evaluate(() => window.perceptgraph!.app.runState.get(2).cells);
    expect(new Set(cells.map((c) => Math.round(c.x))).size).toBe(2);
    expect(new Set(cells.map((c) => Math.round(c.y))).size).toBe(2);
    await screenshot(page, 'review-01-batch-grid');
    const second = await toPage(page, await page.evaluate(() => {
      const n = window.perceptgraph!.graph.getNodeById(2)!;
      const c = window.perceptgraph!.app.runState.get(2).cells[1]!;
      return [n.pos[0] + c.x + c.w / 2, n.pos[1] + c.y + c.h / 2] as [number, number];
    }));
    await page.mouse.click(second[0], second[1]);
    await page.waitForSelector('#lightbox');
    await expect(page.textContent('.pg-lightbox-counter')).resolves.toMatch(/^2 \/ 4 · grid_/);
    await page.waitForFunction(() => (document.querySelector('.pg-lightbox-image') as HTMLImageElement).naturalWidth === 24);
    await page.keyboard.press('ArrowRight');
    await expect(page.textContent('.pg-lightbox-counter')).resolves.toMatch(/^3 \/ 4/);
    await page.click('#lightbox-prev');
    await page.click('#lightbox-prev');
    await expect(page.textContent('.pg-lightbox-counter')).resolves.toMatch(/^1 \/ 4/);
    await screenshot(page, 'review-02-lightbox');
    await page.keyboard.press('Escape');
    await page.waitForSelector('#lightbox', { state: 'detached' });
    // The node's menu offers Open Image and Save Image.
    const inside = await toPage(page, await page.evaluate(() => {
      const n = window.perceptgraph!.graph.getNodeById(2)!;
      return [n.pos[0] + 20, n.pos[1] + 10] as [number, number];
    }));
    await page.mouse.click(inside[0], inside[1], { button: 'right' });
    await page.waitForSelector('.litecontextmenu');
    const items = await page.$$eval('.litecontextmenu .litemenu-entry', (els) => els.map((e) => e.textContent));
    expect(items).toEqual(expect.arrayContaining(['Open Image', 'Save Image']));
    await page.keyboard.press('Escape');
  });

  it('shows scores to significant digits, every line, a bar per image, and grows the node to fit', async () => {
    const s = await page.evaluate(() => {
      const st = window.perceptgraph!.app.runState.get(3);
      return { lines: st.lines, bars: st.bars, height: window.perceptgraph!.graph.getNodeById(3)!.size[1] };
    });
    expect(s.lines.slice(0, 3)).toEqual(['image: 0  score: 0.12346', 'image: 1  score: 0.1234', 'image: 2  score: 1.5']);
    expect(s.lines).toHaveLength(3 + 14);
    expect(s.lines.at(-1)).toBe('summary line 14');
    expect(s.bars.slice(0, 3)).toEqual([0.123456, 0.123401, 1.5]);
    expect(s.height).toBeGreaterThanOrEqual(17 * 16);
    await screenshot(page, 'review-03-scores');
  });

  it('lists runs with time, duration, status and thumbnail; deletes, clears, and loads a past run with its outputs', async () => {
    // A second run with a different graph, so the past one is worth loading back.
    await load(page, { ...emptyWorkflow(), last_node_id: 1, nodes: [node(1, 'StubScores', [40, 80], { inputs: [], outputs: [], widgets_values: [1] })] });
    const other = await clickQueue(page);
    await waitForRun(page, other);
    await page.click('#history-button');
    await page.waitForSelector(`.pg-history-entry[data-prompt-id="${runId}"]`);
    const row = await page.$eval(`.pg-history-entry[data-prompt-id="${runId}"]`, (e) => ({
      text: e.textContent ?? '', thumb: (e.querySelector('img') as HTMLImageElement | null)?.src ?? '', status: (e as HTMLElement).dataset.status,
    }));
    expect(row.status).toBe('success');
    expect(row.thumb).toMatch(/\/view\?filename=grid_/);
    expect(row.text).toMatch(/\d{1,2}:\d{2}:\d{2}/);
    expect(row.text).toMatch(/\d+\.\d+ s/);
    await screenshot(page, 'review-04-history-panel');
    await page.click(`.pg-history-entry[data-prompt-id="${runId}"] .pg-entry-text`);
    await page.waitForFunction(() => window.perceptgraph!.graph.nodes.length === 3);
    await page.waitForFunction(() => window.perceptgraph!.app.runState.get(2).images.length === 4 && window.perceptgraph!.app.runState.get(3).lines.length === 17);
    await screenshot(page, 'review-05-past-run-loaded');
    await page.click(`.pg-history-entry[data-prompt-id="${other}"] .pg-entry-delete`);
    await page.waitForSelector(`.pg-history-entry[data-prompt-id="${other}"]`, { state: 'detached' });
    expect(Object.keys((await h.server.getJson('/history')).body)).not.toContain(other);
    await page.click('#clear-history-button');
    await page.waitForSelector('.pg-history-entry', { state: 'detached' });
    expect((await h.server.getJson('/history')).body).toEqual({});
    await page.click('#history-button');
  });

  it('says when only the tiny stand-in models are installed', async () => {
    expect(await page.isHidden('#stand-in-warning')).toBe(true);
    const models = h.server.dirs.models;
    mkdirSync(path.join(models, 'clip/tiny-clip'), { recursive: true });
    writeFileSync(path.join(models, 'clip/tiny-clip/model.onnx'), 'x');
    writeFileSync(path.join(models, '.tiny-manifest.json'), JSON.stringify({ builderVersion: 2, configHash: 'test', files: [{ path: 'clip/tiny-clip/model.onnx', size: 1 }] }));
    await page.click('#refresh-button');
    await page.waitForSelector('#stand-in-warning', { state: 'visible' });
    await expect(page.textContent('#stand-in-warning')).resolves.toBe('tiny random models: outputs are noise — add real models, see README');
    await screenshot(page, 'review-06-stand-in-warning');
    // A real model next to them: no warning.
    mkdirSync(path.join(models, 'checkpoints'), { recursive: true });
    writeFileSync(path.join(models, 'checkpoints/real.safetensors'), 'x');
    await page.click('#refresh-button');
    await page.waitForSelector('#stand-in-warning', { state: 'hidden' });
  });

  it('shows a training\'s embedding phase and epochs while it runs, then its summary (the real TrainDeCLIP)', async () => {
    // A tiny frozen CLIP and a synthetic I&2T set in the server's data directory (the same fixtures as the trainer's tests).
    writeTestClip(path.join(h.server.dirs.models, 'clip', 'train-clip-64'));
    await writeSynthSet(path.join(h.server.dirs.input, 'set'), 24);
    h.server.models.store.invalidate();
    await page.click('#refresh-button');
    const widgets = ['set/i2t.csv', 'train-clip-64', 'e2e-trained', 3, 1e-3, 0.05, 8, 16, 2, 0, 0.25, false];
    await load(page, { ...emptyWorkflow(), last_node_id: 1, nodes: [node(1, 'TrainDeCLIP', [40, 80], { size: [400, 380], inputs: [], outputs: [], widgets_values: widgets })] });
    const id = await clickQueue(page);
    await page.waitForFunction(() => window.perceptgraph!.app.runState.get(1).log.some((l) => l.startsWith('embedding the data set with train-clip-64')), undefined, { timeout: 30_000 });
    await page.waitForFunction(() => window.perceptgraph!.app.runState.get(1).log.some((l) => l.startsWith('epoch 2/3')), undefined, { timeout: 30_000 });
    await screenshot(page, 'review-07-training-live');
    await waitForRun(page, id);
    const s = await page.evaluate(() => window.perceptgraph!.app.runState.get(1));
    expect(s.lines[0]).toMatch(/^\d+ images used of 24 rows, 0 bad rows skipped$/);
    expect(s.lines.filter((l) => /^epoch [123]\/3\b.*loss/.test(l))).toHaveLength(3);
    expect(s.lines.at(-1)).toBe('saved models/declip/e2e-trained.safetensors');
    expect(existsSync(path.join(h.server.dirs.models, 'declip', 'e2e-trained.safetensors'))).toBe(true);
    await nextFrames(page);
    await screenshot(page, 'review-08-training-summary');
    expect(consoleErrors).toEqual([]);
  }, 90_000);
});
