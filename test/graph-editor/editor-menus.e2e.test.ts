/**
 * Menus, the node search box and node sizing in real Chromium against the real server: the Examples menu closes
 * after a pick, Escape and a click outside close every menu, "Search" after a link drop opens at the drop point,
 * finds nodes and connects the pick, broken litegraph actions are not offered, LoadImage draws its image with no
 * mouse move, and a node that grew for a step preview shrinks back. Screenshots in `test-artifacts/graph-editor/`.
 */
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreNodes } from '../../nodes/core/index.js';
import { stubNodes } from '../support/stub-nodes.js';
import { chromiumPath, screenshot, startHarness, waitForRun, type EditorHarness } from './editor-harness.js';
import {
  basicWorkflow, canvasPixel, clickQueue, emptyWorkflow, node, PreviewSleep, socketPos, solidPng, toPage,
} from './editor-fixtures.js';

const menuOpen = (page: Page) => page.evaluate(() => !document.getElementById('examples-menu')!.hidden && getComputedStyle(document.getElementById('examples-menu')!).display !== 'none');

describe.skipIf(!existsSync(chromiumPath))('editor menus, search and node sizing in Chromium', () => {
  let h: EditorHarness;
  let page: Page;
  let consoleErrors: string[];

  beforeAll(async () => {
    h = await startHarness({ nodes: [...stubNodes, ...coreNodes, PreviewSleep], workflows: { basic: basicWorkflow() } });
    ({ page, consoleErrors } = await h.openEditor());
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('closes the Examples menu after a pick, on Escape and on a click outside', async () => {
    await page.evaluate((wf) => window.perceptgraph!.loadWorkflow(wf), emptyWorkflow());
    await page.click('#examples-button');
    await page.waitForSelector('#example-basic');
    expect(await menuOpen(page)).toBe(true);
    await page.click('#example-basic');
    await page.waitForFunction(() => window.perceptgraph!.graph.nodes.length === 4);
    await page.waitForFunction(() => document.getElementById('examples-menu')!.hidden);
    // Hidden for real: nothing of it covers the canvas any more.
    expect(await menuOpen(page)).toBe(false);

    await page.click('#examples-button');
    await page.waitForSelector('#example-basic', { state: 'visible' });
    await page.keyboard.press('Escape');
    await page.waitForSelector('#examples-menu', { state: 'hidden' });

    await page.click('#examples-button');
    await page.waitForSelector('#example-basic', { state: 'visible' });
    await page.mouse.click(900, 700);
    await page.waitForSelector('#examples-menu', { state: 'hidden' });
  });

  it('closes litegraph context menus on Escape and on a click outside', async () => {
    await page.mouse.click(900, 700, { button: 'right' });
    await page.waitForSelector('.litecontextmenu');
    await page.keyboard.press('Escape');
    await page.waitForSelector('.litecontextmenu', { state: 'detached' });
    await page.mouse.click(900, 700, { button: 'right' });
    await page.waitForSelector('.litecontextmenu');
    await page.mouse.click(1300, 100);
    await page.waitForSelector('.litecontextmenu', { state: 'detached' });
  });

  it('offers no broken actions (Convert to Subgraph, Properties Panel) and offers Bypass and Mute', async () => {
    const title = await toPage(page, await page.evaluate(() => {
      const n = window.perceptgraph!.graph.getNodeById(1)!;
      return [n.pos[0] + 40, n.pos[1] + 40] as [number, number];
    }));
    await page.mouse.click(title[0], title[1], { button: 'right' });
    await page.waitForSelector('.litecontextmenu');
    const items = await page.$$eval('.litecontextmenu .litemenu-entry', (els) => els.map((e) => e.textContent ?? ''));
    await screenshot(page, 'menus-01-node-menu');
    expect(items).toEqual(expect.arrayContaining(['Bypass', 'Mute', 'Title', 'Remove']));
    expect(items.filter((t) => /Subgraph|Properties Panel/.test(t))).toEqual([]);
    await page.keyboard.press('Escape');
    // With two nodes selected the canvas menu also offered "Convert to Subgraph".
    await page.evaluate(() => window.perceptgraph!.app.canvas.selectItems());
    const canvasItems = await page.evaluate(() => window.perceptgraph!.app.canvas.getCanvasMenuOptions().map((o) => o?.content));
    expect(canvasItems.filter((t) => /Subgraph/.test(String(t)))).toEqual([]);
    await page.evaluate(() => window.perceptgraph!.app.canvas.deselectAll());
  });

  it('opens "Search" at the drop point of a link, finds matching nodes, connects the pick and closes', async () => {
    await page.evaluate((wf) => window.perceptgraph!.loadWorkflow(wf), {
      ...emptyWorkflow(), last_node_id: 1,
      nodes: [node(1, 'StubImage', [60, 120], { inputs: [], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [] }], widgets_values: [8, 8, 1, 0.5] })],
    });
    const from = await socketPos(page, 1, false, 0);
    const drop: [number, number] = [from[0] + 420, from[1] + 160];
    await page.mouse.move(from[0], from[1]);
    await page.mouse.down();
    await page.mouse.move(from[0] + 100, from[1] + 40, { steps: 4 });
    await page.mouse.move(drop[0], drop[1], { steps: 4 });
    await page.mouse.up();
    const search = await page.waitForSelector('.litecontextmenu .litemenu-entry:text-is("Search")');
    await search.click();
    const box = await page.waitForSelector('.pg-search');
    const rect = (await box.boundingBox())!;
    expect(Math.abs(rect.x - drop[0])).toBeLessThan(60);
    expect(Math.abs(rect.y - drop[1])).toBeLessThan(60);
    await page.keyboard.type('save');
    await page.waitForFunction(() => document.querySelector('.pg-search .pg-search-item')?.getAttribute('data-type') === 'SaveImage');
    // Only nodes that take an IMAGE are offered.
    const offered = await page.$$eval('.pg-search .pg-search-item', (els) => els.map((e) => e.getAttribute('data-type')));
    expect(offered).not.toContain('StubImage');
    await screenshot(page, 'menus-02-link-search');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.pg-search', { state: 'detached' });
    const added = await page.evaluate(() => {
      const g = window.perceptgraph!.graph;
      const n = g.nodes.find((x) => x.type === 'SaveImage')!;
      return { linked: n.inputs[0]!.link != null, pos: n.pos as [number, number] };
    });
    expect(added.linked).toBe(true);
    const at = await toPage(page, added.pos);
    expect(Math.hypot(at[0] - drop[0], at[1] - drop[1])).toBeLessThan(80);
    // Escape closes a search box with no pick.
    await page.mouse.move(from[0], from[1]);
    await page.mouse.down();
    await page.mouse.move(drop[0], drop[1] + 200, { steps: 6 });
    await page.mouse.up();
    await (await page.waitForSelector('.litecontextmenu .litemenu-entry:text-is("Search")')).click();
    await page.waitForSelector('.pg-search input');
    await page.keyboard.press('Escape');
    await page.waitForSelector('.pg-search', { state: 'detached' });
    expect(await page.evaluate(() => window.perceptgraph!.graph.nodes.length)).toBe(2);
  });

  it('draws a new LoadImage\'s image with no mouse move', async () => {
    await page.evaluate((wf) => window.perceptgraph!.loadWorkflow(wf), emptyWorkflow());
    const png = solidPng([250, 20, 20]);
    const id = await page.evaluate(async (bytes) => {
      const form = new FormData();
      form.append('image', new File([new Uint8Array(bytes)], 'red.png', { type: 'image/png' }));
      const up = await (await fetch('/upload/image', { method: 'POST', body: form })).json();
      const app = window.perceptgraph!.app;
      const n = app.createNode('LoadImage', [100, 100])!;
      const combo = n.widgets!.find((w) => w.name === 'image') as unknown as { value: unknown; callback: (v: unknown) => void };
      combo.value = up.name;
      combo.callback(up.name);
      return n.id as number;
    }, [...png]);
    // No pointer event from here on: the image must show by itself.
    await page.waitForFunction((nid) => {
      const img = window.perceptgraph!.app.runState.get(nid).images[0];
      return img?.complete && img.naturalWidth === 4;
    }, id);
    const centre = await page.evaluate((nid) => {
      const n = window.perceptgraph!.graph.getNodeById(nid)!;
      return [n.pos[0] + n.size[0] / 2, n.pos[1] + n.size[1] - 100] as [number, number];
    }, id);
    const at = await toPage(page, centre);
    await page.waitForFunction(([x, y]) => {
      const d = (document.getElementById('graph-canvas') as HTMLCanvasElement).getContext('2d')!.getImageData(x!, y!, 1, 1).data;
      return d[0]! > 200 && d[1]! < 80;
    }, [Math.round(at[0]), Math.round(at[1])], { timeout: 10_000 });
    expect(await canvasPixel(page, at)).toEqual([250, 20, 20]);
    await screenshot(page, 'menus-03-loadimage-preview');
  });

  it('grows a sampler for its step preview and shrinks it back when the preview ends', async () => {
    await page.evaluate((wf) => window.perceptgraph!.loadWorkflow(wf), {
      ...emptyWorkflow(), last_node_id: 2, last_link_id: 1,
      nodes: [
        node(1, 'PreviewSleep', [40, 80], { size: [300, 110], inputs: [{ name: 'value', type: '*', link: null }], outputs: [{ name: 'value', type: '*', links: [1] }], widgets_values: [1500, 5] }),
        node(2, 'StubOutput', [420, 80], { inputs: [{ name: 'value', type: '*', link: 1 }], outputs: [], widgets_values: ['done'] }),
      ],
      links: [[1, 1, 0, 2, 0, '*']],
    });
    const before = await page.evaluate(() => [...window.perceptgraph!.graph.getNodeById(1)!.size]);
    const promptId = await clickQueue(page);
    await page.waitForFunction((h0) => {
      const s = window.perceptgraph!.app.runState.get(1);
      return s.preview?.complete && window.perceptgraph!.graph.getNodeById(1)!.size[1] > h0 + 100;
    }, before[1]!, { timeout: 15_000 });
    await screenshot(page, 'menus-04-sampler-preview');
    await waitForRun(page, promptId);
    await page.waitForFunction((h0) => window.perceptgraph!.graph.getNodeById(1)!.size[1] === h0, before[1]!);
    await screenshot(page, 'menus-05-sampler-after');
    expect(consoleErrors).toEqual([]);
  });
});
