/**
 * Editing in real Chromium against the real server, with the real mouse and keyboard: undo/redo over moves,
 * widget edits and paste; ComfyUI's shortcuts; bypass and mute (drawn as ComfyUI draws them, and honoured by the
 * UI→API conversion on the server's run); the fuzzy node search; renaming by double-clicking a title.
 * Screenshots in `test-artifacts/graph-editor/`.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreNodes } from '../../nodes/core/index.js';
import { declipNodes } from '../../nodes/declip/index.js';
import { stubNodes } from '../support/stub-nodes.js';
import { chromiumPath, screenshot, startHarness, waitForRun, type EditorHarness } from './editor-harness.js';
import {
  basicWorkflow, canvasPixel, doubleClickUntil, emptyWorkflow, nextFrames, setWidget, titlePos, toPage, waitNewPrompt,
  waitUndoDepth,
} from './editor-fixtures.js';

const nodeCount = (page: Page) => page.evaluate(() => window.perceptgraph!.graph.nodes.length);
const nodePos = (page: Page, id: number) => page.evaluate((n) => [...window.perceptgraph!.graph.getNodeById(n)!.pos], id);
const widgetValue = (page: Page, id: number, name: string) =>
  page.evaluate(([n, w]) => window.perceptgraph!.graph.getNodeById(n as number)!.widgets!.find((x: { name: string }) => x.name === w)!.value, [id, name] as const);

/** Page point of a widget's right arrow (a number widget steps up when clicked there). */
async function widgetArrow(page: Page, id: number, name: string): Promise<[number, number]> {
  await nextFrames(page);
  const p = await page.evaluate(([n, w]) => {
    const node = window.perceptgraph!.graph.getNodeById(n as number)!;
    const widget = node.widgets!.find((x: { name: string }) => x.name === w)!;
    return [node.pos[0] + node.size[0] - 22, node.pos[1] + (widget.y ?? 0) + 10] as [number, number];
  }, [id, name] as const);
  return toPage(page, p);
}

/** Two edits of the basic workflow, back to back: node 1's width stepped up to 33, then node 3 copied and pasted. */
async function stepWidgetThenPaste(page: Page): Promise<void> {
  const arrow = await widgetArrow(page, 1, 'width');
  await page.mouse.click(arrow[0], arrow[1]);
  await page.waitForFunction(() => window.perceptgraph!.graph.getNodeById(1)!.widgets![0]!.value === 33);
  const t3 = await titlePos(page, 3);
  await page.mouse.click(t3[0], t3[1]);
  await page.keyboard.press('Control+c');
  await page.mouse.move(900, 650);
  await page.keyboard.press('Control+v');
  await page.waitForFunction(() => window.perceptgraph!.graph.nodes.length === 5);
}

/** Loads a workflow through the app and waits until it is drawn. */
async function load(page: Page, wf: unknown): Promise<void> {
  await page.evaluate((w) => window.perceptgraph!.loadWorkflow(w), wf);
  await nextFrames(page);
}

describe.skipIf(!existsSync(chromiumPath))('editor editing in Chromium', () => {
  let h: EditorHarness;
  let page: Page;
  let consoleErrors: string[];

  beforeAll(async () => {
    h = await startHarness({ nodes: [...stubNodes, ...coreNodes, ...declipNodes], workflows: { basic: basicWorkflow() } });
    ({ page, consoleErrors } = await h.openEditor());
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('undoes and redoes a move, a widget edit and a paste (Ctrl+Z, Ctrl+Y, Ctrl+Shift+Z)', async () => {
    await load(page, basicWorkflow());
    const start = await nodePos(page, 1);
    // Move node 1 by its title.
    const t = await titlePos(page, 1);
    await page.mouse.move(t[0], t[1]);
    await page.mouse.down();
    await page.mouse.move(t[0] + 60, t[1] + 30, { steps: 5 });
    await page.mouse.move(t[0] + 120, t[1] + 60, { steps: 5 });
    await page.mouse.up();
    const moved = await nodePos(page, 1);
    expect(moved[0]).toBeGreaterThan(start[0]! + 100);
    await stepWidgetThenPaste(page);
    await screenshot(page, 'editing-01-before-undo');
    await waitUndoDepth(page, 3);

    await page.focus('#graph-canvas');
    await page.keyboard.press('Control+z');
    await page.waitForFunction(() => window.perceptgraph!.graph.nodes.length === 4);
    await page.keyboard.press('Control+z');
    await page.waitForFunction(() => window.perceptgraph!.graph.getNodeById(1)!.widgets![0]!.value === 32);
    await page.keyboard.press('Control+z');
    expect(await nodePos(page, 1)).toEqual(start);
    await page.keyboard.press('Control+y');
    expect(await nodePos(page, 1)).toEqual(moved);
    await page.keyboard.press('Control+Shift+z');
    expect(await widgetValue(page, 1, 'width')).toBe(33);
    await page.keyboard.press('Control+y');
    expect(await nodeCount(page)).toBe(5);
  });

  it('records a canvas edit on the pointer release itself, even when no click event reaches the page', async () => {
    // litegraph stops the propagation of the canvas's pointerup; the tracker listens on the window in the capture
    // phase. A handler that swallows the click (as the canvas may) must not leave the edit unrecorded.
    await load(page, basicWorkflow());
    const depth = await page.evaluate(() => {
      const canvas = document.getElementById('graph-canvas')!;
      const swallow = (e: Event) => e.stopPropagation();
      canvas.addEventListener('click', swallow);
      (window as unknown as { unswallow: () => void }).unswallow = () => canvas.removeEventListener('click', swallow);
      return window.perceptgraph!.app.tracker.depth.undo;
    });
    try {
      const arrow = await widgetArrow(page, 1, 'width');
      await page.mouse.click(arrow[0], arrow[1]);
      await page.waitForFunction(() => window.perceptgraph!.graph.getNodeById(1)!.widgets![0]!.value === 33);
      await page.waitForFunction((d) => window.perceptgraph!.app.tracker.depth.undo === d + 1, depth, { timeout: 5000 });
    } finally {
      await page.evaluate(() => (window as unknown as { unswallow: () => void }).unswallow());
    }
  });

  it('keeps two quick edits in two undo steps when the checks after them run late', async () => {
    // A busy browser runs the after-action check's timer late, after the next press (input outranks timers). Here
    // every zero-delay timer waits 3 s, so only the check at the next press can keep the steps apart.
    await load(page, basicWorkflow());
    const depth = await page.evaluate(() => {
      const w = window as unknown as { setTimeout: typeof setTimeout; restoreTimers: () => void };
      const original = w.setTimeout;
      w.setTimeout = ((fn: () => void, ms?: number, ...rest: unknown[]) =>
        original(fn, ms ? ms : 3000, ...rest)) as typeof setTimeout;
      w.restoreTimers = () => { w.setTimeout = original; };
      return window.perceptgraph!.app.tracker.depth.undo;
    });
    try {
      await stepWidgetThenPaste(page);
    } finally {
      await page.evaluate(() => (window as unknown as { restoreTimers: () => void }).restoreTimers());
    }
    await waitUndoDepth(page, depth + 2);
    await page.keyboard.press('Control+z');
    expect(await nodeCount(page)).toBe(4);
    expect(await widgetValue(page, 1, 'width')).toBe(33);
  });

  it('undoes a widget edit made through the multiline text editor', async () => {
    await load(page, emptyWorkflow());
    const id = await page.evaluate(() => window.perceptgraph!.app.createNode('StubWidgets', [100, 100])!.id as number);
    const depth = await page.evaluate(() => {
      window.perceptgraph!.app.checkChange();
      return window.perceptgraph!.app.tracker.depth.undo;
    });
    await nextFrames(page);
    const box = await page.evaluate((n) => {
      const node = window.perceptgraph!.graph.getNodeById(n)!;
      const w = node.widgets!.find((x: { name: string }) => x.name === "text")!;
      return [node.pos[0] + 60, node.pos[1] + (w.y ?? 0) + 30] as [number, number];
    }, id);
    const at = await toPage(page, box);
    await page.mouse.click(at[0], at[1]);
    await page.waitForSelector('.pg-modal textarea');
    await page.fill('.pg-modal textarea', 'a prompt');
    await page.click('.pg-modal button:text-is("Save")');
    await page.waitForFunction((d) => window.perceptgraph!.app.tracker.depth.undo === d + 1, depth);
    await page.keyboard.press('Control+z');
    expect(await widgetValue(page, id, 'text')).toBe('');
  });

  it('queues with Ctrl+Enter and at the front with Ctrl+Shift+Enter', async () => {
    await load(page, {
      ...emptyWorkflow(), last_node_id: 2, last_link_id: 1,
      nodes: [
        { id: 1, type: 'Sleep', pos: [40, 80], size: [300, 120], flags: {}, order: 0, mode: 0, properties: {}, inputs: [{ name: 'value', type: '*', link: null }], outputs: [{ name: 'value', type: '*', links: [1] }], widgets_values: [60000, 600] },
        { id: 2, type: 'StubOutput', pos: [420, 80], size: [300, 120], flags: {}, order: 1, mode: 0, properties: {}, inputs: [{ name: 'value', type: '*', link: 1 }], outputs: [], widgets_values: ['x'] },
      ],
      links: [[1, 1, 0, 2, 0, '*']],
    });
    await page.focus('#graph-canvas');
    let before = await page.evaluate(() => window.perceptgraph!.app.lastPromptId);
    await page.keyboard.press('Control+Enter');
    const running = await waitNewPrompt(page, before);
    await page.waitForFunction(() => (window.perceptgraph!.app.runState.get(1).progress ?? 0) > 0, undefined, { timeout: 15_000 });
    // Two more while it runs: one at the back (a different widget, so it is a different prompt), one at the front.
    await setWidget(page, 1, 'ms', 50000);
    before = running;
    await page.keyboard.press('Control+Enter');
    const back = await waitNewPrompt(page, before);
    await setWidget(page, 1, 'ms', 40000);
    await page.keyboard.press('Control+Shift+Enter');
    const front = await waitNewPrompt(page, back);
    const pending = (await h.server.getJson('/queue')).body.queue_pending as Array<[number, string]>;
    const order = [...pending].sort((a, b) => a[0] - b[0]).map((q) => q[1]);
    expect(order).toEqual([front, back]);
    await h.server.postJson('/queue', { clear: true });
    await h.server.postJson('/interrupt', {});
    await waitForRun(page, running);
  });

  it('saves with Ctrl+S and opens with Ctrl+O', async () => {
    await load(page, basicWorkflow());
    await page.focus('#graph-canvas');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Control+s')]);
    const saved = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { nodes: unknown[] };
    expect(saved.nodes).toHaveLength(4);
    await load(page, emptyWorkflow());
    // The chooser is intercepted before the key is pressed: Playwright turns interception on asynchronously when
    // the first listener is added, and a press sent alongside can reach the page first (then no event comes).
    const chooserEvent = page.waitForEvent('filechooser');
    await page.evaluate(() => 0);
    await page.focus('#graph-canvas');
    await page.keyboard.press('Control+o');
    const chooser = await chooserEvent;
    await chooser.setFiles({ name: 'opened.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(saved)) });
    await page.waitForFunction(() => window.perceptgraph!.graph.nodes.length === 4);
  });

  it('fits the graph to the view with "."', async () => {
    await page.evaluate(() => {
      const c = window.perceptgraph!.app.canvas;
      c.ds.offset[0] = -5000;
      c.ds.offset[1] = -4000;
      c.ds.scale = 0.5;
      c.setDirty(true, true);
    });
    await page.focus('#graph-canvas');
    await page.keyboard.press('.');
    const boxes = await page.evaluate(() => {
      const c = window.perceptgraph!.app.canvas;
      return window.perceptgraph!.graph.nodes.map((n) => [...c.ds.convertOffsetToCanvas([n.pos[0], n.pos[1] - 30]), ...c.ds.convertOffsetToCanvas([n.pos[0] + n.size[0], n.pos[1] + n.size[1]])]);
    });
    for (const [x0, y0, x1, y1] of boxes) {
      expect(x0).toBeGreaterThanOrEqual(0);
      expect(y0).toBeGreaterThanOrEqual(0);
      expect(x1).toBeLessThanOrEqual(1400);
      expect(y1).toBeLessThanOrEqual(900);
    }
    await screenshot(page, 'editing-02-fit-view');
  });

  it('bypasses with Ctrl+B (purple, inputs passed through) and mutes with Ctrl+M (greyed, left out)', async () => {
    await load(page, emptyWorkflow());
    const ids = await page.evaluate(() => {
      const app = window.perceptgraph!.app;
      const src = app.createNode('StubImage', [40, 100])!;
      const scale = app.createNode('ImageScale', [420, 100])!;
      const save = app.createNode('SaveImage', [800, 100])!;
      src.widgets!.find((w) => w.name === 'width')!.value = 12 as never;
      src.widgets!.find((w) => w.name === 'height')!.value = 10 as never;
      src.connect(0, scale, 0);
      scale.connect(0, save, 0);
      return { src: src.id as number, scale: scale.id as number, save: save.id as number };
    });
    await nextFrames(page);
    const body = await toPage(page, await page.evaluate((id) => {
      const n = window.perceptgraph!.graph.getNodeById(id)!;
      return [n.pos[0] + n.size[0] - 8, n.pos[1] + n.size[1] - 8] as [number, number];
    }, ids.scale));
    const plain = await canvasPixel(page, body);
    const t = await titlePos(page, ids.scale);
    await page.mouse.click(t[0], t[1]);
    await page.keyboard.press('Control+b');
    await nextFrames(page);
    expect(await page.evaluate((id) => window.perceptgraph!.graph.getNodeById(id)!.mode, ids.scale)).toBe(4);
    const purple = await canvasPixel(page, body);
    expect(purple[0] - purple[1]).toBeGreaterThan(25);
    expect(purple[2] - purple[1]).toBeGreaterThan(25);
    await screenshot(page, 'editing-03-bypassed');
    const api = await page.evaluate(() => window.perceptgraph!.toApi());
    expect(Object.keys(api)).not.toContain(String(ids.scale));
    expect(api[String(ids.save)]!.inputs!.images).toEqual([String(ids.src), 0]);
    // The server runs it with the image passed straight through: 12×10, not ImageScale's 512×512.
    const bypassed = await page.evaluate(() => window.perceptgraph!.queue());
    expect(bypassed.ok).toBe(true);
    const messages = await waitForRun(page, (bypassed as { promptId: string }).promptId);
    const saved = messages.find((m) => m.type === 'executed' && m.data.node === String(ids.save))!;
    const ref = (saved.data.output as { images: Array<{ filename: string; subfolder: string; type: string }> }).images[0]!;
    const png = await h.server.view(ref);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([12, 10]);

    await page.keyboard.press('Control+m');
    await nextFrames(page);
    expect(await page.evaluate((id) => window.perceptgraph!.graph.getNodeById(id)!.mode, ids.scale)).toBe(2);
    const grey = await canvasPixel(page, body);
    // Drawn at 0.4 alpha over the dark canvas: darker than the plain node, and not purple.
    expect(grey[0] + grey[1] + grey[2]).toBeLessThan(plain[0] + plain[1] + plain[2]);
    expect(Math.abs(grey[0] - grey[1])).toBeLessThan(10);
    await screenshot(page, 'editing-04-muted');
    const muted = await page.evaluate(() => window.perceptgraph!.toApi());
    expect(Object.keys(muted)).not.toContain(String(ids.scale));
    expect(muted[String(ids.save)]!.inputs!.images).toBeUndefined();
    await page.keyboard.press('Control+m');
    expect(await page.evaluate((id) => window.perceptgraph!.graph.getNodeById(id)!.mode, ids.scale)).toBe(0);
  });

  it('finds "Load DeCLIP" for "declip loader" and shows its description and pack', async () => {
    await load(page, emptyWorkflow());
    await doubleClickUntil(page, [700, 500], '.pg-search input');
    await page.keyboard.type('declip loader');
    await page.waitForFunction(() => document.querySelector('.pg-search .pg-search-item')?.getAttribute('data-type') === 'DeCLIPLoader');
    const first = await page.$eval('.pg-search .pg-search-item', (e) => e.textContent ?? '');
    expect(first).toContain('Load DeCLIP');
    expect(first).toContain('perceptgraph');
    expect(first).toContain('Loads a CLIP model');
    // Typos and word order do not matter much; the category and description are searched too.
    const ranked = await page.evaluate(() => ({
      typo: window.perceptgraph!.app.search!.search('lod declp')[0]?.type,
      category: window.perceptgraph!.app.search!.search('upscaling').map((e) => e.type),
      description: window.perceptgraph!.app.search!.search('projector').map((e) => e.type),
    }));
    expect(ranked.typo).toBe('DeCLIPLoader');
    expect(ranked.category).toContain('ImageScale');
    expect(ranked.description).toContain('DeCLIPLoader');
    await screenshot(page, 'editing-05-fuzzy-search');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.perceptgraph!.graph.nodes[0]?.type === 'DeCLIPLoader');
  });

  it('renames a node by double-clicking its title', async () => {
    await load(page, basicWorkflow());
    const t = await titlePos(page, 2);
    await doubleClickUntil(page, t, '.pg-title-editor');
    await page.fill('.pg-title-editor', 'Keeper');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.pg-title-editor', { state: 'detached' });
    expect(await page.evaluate(() => window.perceptgraph!.graph.getNodeById(2)!.title)).toBe('Keeper');
    expect((await page.evaluate(() => window.perceptgraph!.toApi()))['2']!._meta).toEqual({ title: 'Keeper' });
    await page.keyboard.press('Control+z');
    expect(await page.evaluate(() => window.perceptgraph!.graph.getNodeById(2)!.title)).toBe('Save Image');
    expect(consoleErrors).toEqual([]);
  });
});
