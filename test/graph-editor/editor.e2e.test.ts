/**
 * The editor in real headless Chromium against the real server (stub nodes + core image nodes), with the built
 * bundle served at `/`. The tests share one page and run in order, like a user session. Screenshots go to
 * `test-artifacts/graph-editor/`.
 */
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreNodes } from '../../nodes/core/index.js';
import { callCounts, stubNodes } from '../support/stub-nodes.js';
import { basicWorkflow, node } from './editor-fixtures.js';
import { chromiumPath, screenshot, startHarness, waitForRun, type EditorHarness } from './editor-harness.js';

/** Clicks Queue and returns the id of the prompt it queued. */
async function clickQueue(page: Page): Promise<string> {
  const before = await page.evaluate(() => window.perceptgraph!.app.lastPromptId);
  await page.click('#queue-button');
  const handle = await page.waitForFunction((prev) => {
    const id = window.perceptgraph!.app.lastPromptId;
    return id && id !== prev ? id : null;
  }, before, { timeout: 10_000 });
  return (await handle.jsonValue()) as string;
}

function setWidget(page: Page, nodeId: number, name: string, value: unknown): Promise<void> {
  return page.evaluate(([id, n, v]) => {
    const w = window.perceptgraph!.graph.getNodeById(id as number)!.widgets!.find((x: { name: string }) => x.name === n)!;
    w.value = v as never;
  }, [nodeId, name, value] as const);
}

/** The parts of a UI workflow that make it "the same graph": node ids, types, widget values, links. */
function graphShape(wf: { nodes: Array<Record<string, unknown>>; links: unknown[] }) {
  return {
    nodes: wf.nodes.map((n) => ({ id: n.id, type: n.type, widgets_values: n.widgets_values ?? [] })).sort((a, b) => Number(a.id) - Number(b.id)),
    links: wf.links.map((l) => (Array.isArray(l) ? l.slice(0, 5) : l)),
  };
}

describe.skipIf(!existsSync(chromiumPath))(`graph editor in Chromium (${chromiumPath})`, () => {
  let h: EditorHarness;
  let page: Page;
  let consoleErrors: string[];
  let savedImageUrl = '';

  beforeAll(async () => {
    h = await startHarness({ nodes: [...stubNodes, ...coreNodes], workflows: { basic: basicWorkflow() } });
    ({ page, consoleErrors } = await h.openEditor());
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('loads with no console errors, node types from /object_info and a connected WebSocket', async () => {
    await page.waitForFunction(() => window.perceptgraph!.app.connected, undefined, { timeout: 10_000 });
    const types = await page.evaluate(() => Object.keys(window.perceptgraph!.app.objectInfo));
    expect(types).toEqual(expect.arrayContaining(['StubImage', 'SaveImage', 'StubWidgets']));
    await expect(page.textContent('#status')).resolves.toMatch(/connected/);
    await screenshot(page, '01-empty-editor');
    expect(consoleErrors).toEqual([]);
  });

  it('builds widgets from object_info and applies control-after-generate after queueing', async () => {
    const widgets = await page.evaluate(() => {
      const n = window.perceptgraph!.app.createNode('StubWidgets')!;
      return n.widgets!.map((w) => ({ name: w.name, type: w.type, value: w.value, min: w.options.min, max: w.options.max, values: w.options.values }));
    });
    expect(widgets.map((w) => [w.name, w.type])).toEqual([
      ['seed', 'number'], ['seed::control_after_generate', 'combo'], ['steps', 'number'], ['cfg', 'number'],
      ['text', 'multiline'], ['flag', 'toggle'], ['mode', 'combo'],
    ]);
    expect(widgets[1]).toMatchObject({ value: 'randomize', values: ['fixed', 'increment', 'decrement', 'randomize'] });
    expect(widgets[2]).toMatchObject({ value: 20, min: 1, max: 100 });
    expect(widgets[6]).toMatchObject({ value: 'a', values: ['a', 'b', 'c'] });
    // A graph with this node alone has no output node; the server rejects it, and the seed must not move.
    const api = await page.evaluate(() => window.perceptgraph!.toApi());
    expect(Object.values(api)[0]).toMatchObject({ class_type: 'StubWidgets', inputs: { seed: 0, steps: 20, cfg: 8, text: '', flag: true, mode: 'a' } });
  });

  it('lists the example workflows in a menu and loads one', async () => {
    await page.evaluate(() => window.perceptgraph!.loadWorkflow({ nodes: [], links: [], version: 0.4 }));
    await page.click('#examples-button');
    await page.click('#example-basic');
    await page.waitForFunction(() => window.perceptgraph!.graph.nodes.length === 4);
    const types = await page.evaluate(() => window.perceptgraph!.graph.nodes.map((n) => n.type).sort());
    expect(types).toEqual(['PreviewImage', 'SaveImage', 'StubImage', 'StubImage']);
  });

  it('queues the example, waits for completion and shows the output image on SaveImage', async () => {
    const promptId = await clickQueue(page);
    const messages = await waitForRun(page, promptId);
    expect(messages.map((m) => m.type)).toContain('execution_success');
    const image = await page.waitForFunction(() => {
      const img = window.perceptgraph!.app.runState.get(2).images[0];
      return img && img.complete && img.naturalWidth > 0 ? { src: img.src, w: img.naturalWidth, h: img.naturalHeight } : null;
    }, undefined, { timeout: 10_000 });
    const { src, w, h: height } = (await image.jsonValue())!;
    expect([w, height]).toEqual([32, 24]);
    expect(src).toMatch(/\/view\?filename=e2e_/);
    savedImageUrl = src;
    await screenshot(page, '02-example-run');
  });

  it('re-runs only the nodes downstream of an edited widget', async (ctx) => {
    if (!savedImageUrl) ctx.skip('needs the example run above');
    const before = { one: callCounts.get('1') ?? 0, three: callCounts.get('3') ?? 0 };
    await setWidget(page, 1, 'value', 0.25);
    const promptId = await clickQueue(page);
    const messages = await waitForRun(page, promptId);
    const cached = messages.find((m) => m.type === 'execution_cached')?.data.nodes as string[];
    expect(cached).toEqual(expect.arrayContaining(['3', '4']));
    expect(cached).not.toContain('1');
    expect(callCounts.get('1')).toBe(before.one + 1);
    expect(callCounts.get('3')).toBe(before.three);
    const marks = await page.evaluate(() => [1, 2, 3, 4].map((id) => window.perceptgraph!.app.runState.get(id).cached));
    expect(marks).toEqual([false, false, true, true]);
    // SaveImage re-ran, so it shows a new file.
    const fresh = await page.waitForFunction((old) => {
      const img = window.perceptgraph!.app.runState.get(2).images[0];
      return img && img.complete && img.src !== old ? img.src : null;
    }, savedImageUrl, { timeout: 10_000 });
    savedImageUrl = (await fresh.jsonValue()) as string;
    await screenshot(page, '03-rerun-cached-marks');
  });

  it('loads the same graph back from a SaveImage PNG dropped on the canvas', async (ctx) => {
    if (!savedImageUrl) ctx.skip('needs the example run above');
    const png = Buffer.from(await (await fetch(savedImageUrl)).arrayBuffer());
    const queued = await page.evaluate(() => window.perceptgraph!.serialize());
    await page.evaluate(() => window.perceptgraph!.loadWorkflow({ nodes: [], links: [], version: 0.4 }));
    expect(await page.evaluate(() => window.perceptgraph!.graph.nodes.length)).toBe(0);
    await page.evaluate((bytes) => {
      const file = new File([new Uint8Array(bytes)], 'dropped.png', { type: 'image/png' });
      const dt = new DataTransfer();
      dt.items.add(file);
      document.getElementById('graph-canvas')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, [...png]);
    await page.waitForFunction(() => window.perceptgraph!.graph.nodes.length === 4);
    const loaded = await page.evaluate(() => window.perceptgraph!.serialize());
    // The PNG holds the workflow of the second run, i.e. the graph as it is now (value edited to 0.25).
    expect(graphShape(loaded as never)).toEqual(graphShape(queued as never));
    await screenshot(page, '04-png-dropped');
  });

  it('highlights the node and input of a validation error', async () => {
    await page.evaluate((wf) => window.perceptgraph!.loadWorkflow(wf), basicWorkflow());
    await setWidget(page, 1, 'width', 99999);
    await page.click('#queue-button');
    await page.waitForFunction(() => Object.keys(window.perceptgraph!.lastErrors).length > 0, undefined, { timeout: 10_000 });
    const errors = await page.evaluate(() => ({ wire: window.perceptgraph!.lastErrors, shown: window.perceptgraph!.app.runState.get(1).errors }));
    expect(errors.wire['1']!.errors[0]).toMatchObject({ type: 'value_bigger_than_max', extra_info: { input_name: 'width' } });
    expect(errors.shown).toEqual([expect.objectContaining({ input: 'width' })]);
    await expect(page.textContent('#toast')).resolves.toMatch(/failed validation|bigger than max/i);
    await screenshot(page, '05-validation-error');
  });

  it('shows progress, the running node and text output while a prompt runs', async () => {
    const wf = {
      version: 0.4, last_node_id: 2, last_link_id: 1,
      nodes: [
        node(1, 'Sleep', [40, 80], { inputs: [{ name: 'value', type: '*', link: null }], outputs: [{ name: 'value', type: '*', links: [1] }], widgets_values: [1200, 6] }),
        node(2, 'StubOutput', [420, 80], { inputs: [{ name: 'value', type: '*', link: 1 }], outputs: [], widgets_values: ['slept'] }),
      ],
      links: [[1, 1, 0, 2, 0, '*']],
    };
    await page.evaluate((w) => window.perceptgraph!.loadWorkflow(w), wf);
    // The file's slots are kept as they are; the widget sockets it lacks are appended.
    const inputs = await page.evaluate(() => window.perceptgraph!.graph.getNodeById(1)!.inputs.map((i: { name: string; link: unknown }) => [i.name, i.link]));
    expect(inputs).toEqual([['value', null], ['ms', null], ['steps', null]]);
    const promptId = await clickQueue(page);
    await page.waitForFunction(() => {
      const s = window.perceptgraph!.app.runState.get(1);
      return s.running && (s.progress ?? 0) > 0;
    }, undefined, { timeout: 10_000 });
    await screenshot(page, '07-running-progress');
    const messages = await waitForRun(page, promptId);
    expect(messages.filter((m) => m.type === 'progress' && m.data.node === '1').map((m) => m.data.value)).toEqual([1, 2, 3, 4, 5, 6]);
    const lines = await page.evaluate(() => window.perceptgraph!.app.runState.get(2).lines);
    expect(lines).toEqual(['slept: 1200']);
    await screenshot(page, '08-text-output');
  });

  it('interrupts a running prompt and lists it in the queue/history panel', async () => {
    await setWidget(page, 1, 'ms', 60_000);
    await setWidget(page, 1, 'steps', 600);
    const promptId = await clickQueue(page);
    await page.waitForFunction(() => (window.perceptgraph!.app.runState.get(1).progress ?? 0) > 0, undefined, { timeout: 10_000 });
    await page.click('#history-button');
    await page.waitForSelector('#side-panel .pg-entry');
    await expect(page.textContent('#side-panel')).resolves.toContain(promptId.slice(0, 8));
    await page.click('#interrupt-button');
    const messages = await waitForRun(page, promptId);
    expect(messages.map((m) => m.type)).toContain('execution_interrupted');
    await screenshot(page, '09-interrupted-history');
    await page.click('#history-button');
  });

  it('reconnects the WebSocket after it drops', async () => {
    await page.evaluate(() => (window.perceptgraph!.app as unknown as { socket: { socket: WebSocket } }).socket.socket.close());
    await page.waitForFunction(() => !window.perceptgraph!.app.connected, undefined, { timeout: 5_000 });
    await page.waitForFunction(() => window.perceptgraph!.app.connected, undefined, { timeout: 10_000 });
    await expect(page.textContent('#status')).resolves.toMatch(/^connected/);
  });

  it('shows the chosen input image on LoadImage, after an upload through its button path', async () => {
    const shown = await page.evaluate(async () => {
      // A 2×2 PNG made in the page, uploaded as the upload button does.
      const canvas = document.createElement('canvas');
      canvas.width = 2;
      canvas.height = 2;
      canvas.getContext('2d')!.fillRect(0, 0, 2, 2);
      const blob = await new Promise<Blob>((r) => canvas.toBlob((b) => r(b!), 'image/png'));
      const form = new FormData();
      form.append('image', new File([blob], 'shown.png', { type: 'image/png' }));
      const up = await (await fetch('/upload/image', { method: 'POST', body: form })).json();
      const app = window.perceptgraph!.app;
      const node = app.createNode('LoadImage')!;
      const combo = node.widgets!.find((w) => w.name === 'image') as unknown as { value: unknown; callback: (v: unknown) => void };
      combo.value = up.name;
      combo.callback(up.name);
      const img = app.runState.get(node.id).images[0]!;
      await new Promise((r) => (img.complete ? r(null) : img.addEventListener('load', r)));
      return { src: img.src, width: img.naturalWidth };
    });
    expect(shown.src).toContain('filename=shown.png');
    expect(shown.src).toContain('type=input');
    expect(shown.width).toBe(2);
  });

  it('adds a node through the double-click search box', async () => {
    await page.evaluate(() => window.perceptgraph!.loadWorkflow({ nodes: [], links: [], version: 0.4 }));
    // litegraph reads a double click from two pointer events' timing; on a busy machine one attempt can be read
    // as two single clicks, so try a few times before giving up.
    for (let attempt = 1; ; attempt++) {
      await page.mouse.dblclick(700, 500);
      const opened = await page.waitForSelector('.pg-search input', { timeout: 5_000 }).then(() => true, () => false);
      if (opened) break;
      if (attempt === 3) throw new Error('the search box did not open after 3 double clicks');
    }
    await page.keyboard.type('Stub Widgets');
    // The list refreshes after each keystroke; wait until it reflects the whole query before choosing.
    await page.waitForFunction(() => document.querySelector('.pg-search .pg-search-item')?.textContent?.includes('Widgets'));
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.perceptgraph!.graph.nodes.length === 1);
    expect(await page.evaluate(() => window.perceptgraph!.graph.nodes[0]!.type)).toBe('StubWidgets');
    await screenshot(page, '10-search-box-node');
  });

  it('keeps an unknown node type as a placeholder with its data', async () => {
    const wf = basicWorkflow();
    wf.nodes.push(node(5, 'NoSuchNode', [800, 60], { inputs: [{ name: 'images', type: 'IMAGE', link: null }], outputs: [], widgets_values: [1, 'two'], custom_key: 7 }));
    await page.evaluate((w) => window.perceptgraph!.loadWorkflow(w), wf);
    const saved = (await page.evaluate(() => window.perceptgraph!.serialize())) as { nodes: Array<Record<string, unknown>> };
    expect(saved.nodes.find((n) => n.id === 5)).toMatchObject({ type: 'NoSuchNode', widgets_values: [1, 'two'], custom_key: 7 });
    await screenshot(page, '06-unknown-node-placeholder');
  });
});
