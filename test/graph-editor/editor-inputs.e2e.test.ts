/**
 * Inputs in real Chromium against the real server: tooltips from `/object_info`, the PrimitiveNode driving
 * several widgets (and the server run that uses its value), images dropped or pasted onto the canvas or a
 * LoadImage (uploaded and selected; a PNG with a workflow still opens it), Refresh of combo lists without a
 * reload, and the batch count next to Queue. Screenshots in `test-artifacts/graph-editor/`.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreNodes } from '../../nodes/core/index.js';
import { sdNodes } from '../../nodes/sd/index.js';
import { stubNodes } from '../support/stub-nodes.js';
import { chromiumPath, screenshot, startHarness, waitForRun, type EditorHarness } from './editor-harness.js';
import { basicWorkflow, clickQueue, emptyWorkflow, nextFrames, socketPos, solidPng, titlePos, toPage } from './editor-fixtures.js';

async function load(page: Page, wf: unknown): Promise<void> {
  await page.evaluate((w) => window.perceptgraph!.loadWorkflow(w), wf);
  await nextFrames(page);
}

/** Rests the pointer at a page point until the tooltip shows; returns its text. */
async function hoverTooltip(page: Page, at: [number, number]): Promise<string> {
  await page.mouse.move(at[0] - 3, at[1] - 3);
  await page.mouse.move(at[0], at[1]);
  await page.waitForSelector('.pg-tooltip:not([hidden])', { timeout: 10_000 });
  return (await page.textContent('.pg-tooltip')) ?? '';
}

/** Dispatches a drop of `bytes` as a file at a page point (what a drag from the desktop delivers). */
function dropFile(page: Page, bytes: Buffer, name: string, type: string, at: [number, number]): Promise<void> {
  return page.evaluate(([b, n, t, x, y]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(b as number[])], n as string, { type: t as string }));
    document.getElementById('graph-canvas')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, clientX: x as number, clientY: y as number, bubbles: true, cancelable: true }));
  }, [[...bytes], name, type, at[0], at[1]] as const);
}

const loadImageValue = (page: Page, id: number) =>
  page.evaluate((n) => window.perceptgraph!.graph.getNodeById(n)!.widgets!.find((w: { name: string }) => w.name === 'image')!.value, id);

describe.skipIf(!existsSync(chromiumPath))('editor inputs in Chromium', () => {
  let h: EditorHarness;
  let page: Page;
  let consoleErrors: string[];

  beforeAll(async () => {
    h = await startHarness({ nodes: [...stubNodes, ...coreNodes, ...sdNodes], workflows: { basic: basicWorkflow() } });
    ({ page, consoleErrors } = await h.openEditor());
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('shows input, widget and node tooltips from /object_info', async () => {
    await load(page, basicWorkflow());
    expect(await hoverTooltip(page, await socketPos(page, 2, true, 0))).toBe('The images to save.');
    const widget = await toPage(page, await page.evaluate(() => {
      const n = window.perceptgraph!.graph.getNodeById(2)!;
      const w = n.widgets!.find((x: { name: string }) => x.name === 'filename_prefix')!;
      return [n.pos[0] + n.size[0] / 2, n.pos[1] + (w.y ?? 0) + 10] as [number, number];
    }));
    expect(await hoverTooltip(page, widget)).toMatch(/^The prefix for the file to save/);
    await screenshot(page, 'inputs-01-tooltip');
    expect(await hoverTooltip(page, await titlePos(page, 2))).toBe('Saves the input images to your ComfyUI output directory.');
    await page.mouse.down();
    await page.waitForSelector('.pg-tooltip', { state: 'hidden' });
    await page.mouse.up();
  });

  it('drives several widgets from one editable Primitive node, in the editor and in the run', async () => {
    await load(page, emptyWorkflow());
    const ids = await page.evaluate(() => {
      const app = window.perceptgraph!.app;
      const prim = app.createNode('PrimitiveNode', [40, 300])!;
      const a = app.createNode('StubImage', [400, 80])!;
      const b = app.createNode('StubImage', [400, 420])!;
      const sa = app.createNode('SaveImage', [760, 80])!;
      const sb = app.createNode('SaveImage', [760, 420])!;
      a.connect(0, sa, 0);
      b.connect(0, sb, 0);
      const slot = (n: typeof a) => n.inputs.findIndex((i) => (i as { widget?: { name: string } }).widget?.name === 'width');
      prim.connect(0, a, slot(a));
      prim.connect(0, b, slot(b));
      return { prim: prim.id as number, a: a.id as number, b: b.id as number, sa: sa.id as number, sb: sb.id as number };
    });
    await page.waitForFunction((id) => window.perceptgraph!.graph.getNodeById(id)!.widgets?.[0]?.name === 'width', ids.prim);
    // A widget of the target's kind, with its value; a link elsewhere than a widget socket is refused.
    const prim = await page.evaluate((id) => {
      const n = window.perceptgraph!.graph.getNodeById(id)!;
      return { value: n.widgets![0]!.value, type: n.widgets![0]!.type, output: n.outputs[0]!.type };
    }, ids.prim);
    expect(prim).toEqual({ value: 8, type: 'number', output: 'INT' });
    // Edit it with the real mouse: click its value and type a new one.
    await nextFrames(page);
    const at = await toPage(page, await page.evaluate((id) => {
      const n = window.perceptgraph!.graph.getNodeById(id)!;
      return [n.pos[0] + n.size[0] / 2, n.pos[1] + (n.widgets![0]!.y ?? 0) + 10] as [number, number];
    }, ids.prim));
    await page.mouse.click(at[0], at[1]);
    const prompt = await page.waitForSelector('.graphdialog input, .litegraph input.value', { timeout: 5_000 });
    await prompt.fill('20');
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => window.perceptgraph!.graph.getNodeById(n.a)!.widgets![0]!.value === 20
      && window.perceptgraph!.graph.getNodeById(n.b)!.widgets![0]!.value === 20, ids);
    await screenshot(page, 'inputs-02-primitive');
    const api = await page.evaluate(() => window.perceptgraph!.toApi());
    expect(api[String(ids.a)]!.inputs!.width).toBe(20);
    expect(api[String(ids.b)]!.inputs!.width).toBe(20);
    expect(Object.keys(api)).not.toContain(String(ids.prim));
    const promptId = await clickQueue(page);
    const messages = await waitForRun(page, promptId);
    for (const save of [ids.sa, ids.sb]) {
      const out = messages.find((m) => m.type === 'executed' && m.data.node === String(save))!;
      const ref = (out.data.output as { images: Array<{ filename: string; subfolder: string; type: string }> }).images[0]!;
      expect((await h.server.view(ref)).readUInt32BE(16)).toBe(20);
    }
    // Saved and loaded again, the Primitive keeps its value and its links.
    const saved = await page.evaluate(() => window.perceptgraph!.serialize());
    await load(page, emptyWorkflow());
    await load(page, saved);
    expect(await page.evaluate((id) => window.perceptgraph!.graph.getNodeById(id)!.widgets![0]!.value, ids.prim)).toBe(20);
  });

  it('uploads an image dropped on a LoadImage and selects it there', async () => {
    await load(page, emptyWorkflow());
    const id = await page.evaluate(() => window.perceptgraph!.app.createNode('LoadImage', [200, 120])!.id as number);
    await nextFrames(page);
    const centre = await toPage(page, await page.evaluate((n) => {
      const node = window.perceptgraph!.graph.getNodeById(n)!;
      return [node.pos[0] + node.size[0] / 2, node.pos[1] + node.size[1] / 2] as [number, number];
    }, id));
    await dropFile(page, solidPng([10, 200, 10]), 'dropped-green.png', 'image/png', centre);
    await page.waitForFunction((n) => String(window.perceptgraph!.graph.getNodeById(n)!.widgets![0]!.value).startsWith('dropped-green'), id);
    const name = String(await loadImageValue(page, id));
    expect((await h.server.getJson('/object_info/LoadImage')).body.LoadImage.input.required.image[0]).toContain(name);
    expect(await page.evaluate(() => Object.keys(window.perceptgraph!.app.canvas.selected_nodes))).toEqual([String(id)]);
    expect(await page.evaluate(() => window.perceptgraph!.graph.nodes.length)).toBe(1);
  });

  it('makes a LoadImage for an image dropped on the empty canvas, and opens a PNG that carries a workflow', async () => {
    await load(page, emptyWorkflow());
    await dropFile(page, solidPng([200, 10, 200]), 'plain.png', 'image/png', [700, 500]);
    await page.waitForFunction(() => window.perceptgraph!.graph.nodes[0]?.type === 'LoadImage');
    const made = await page.evaluate(() => {
      const n = window.perceptgraph!.graph.nodes[0]!;
      return { id: n.id as number, pos: [...n.pos] as [number, number] };
    });
    await page.waitForFunction((n) => String(window.perceptgraph!.graph.getNodeById(n)!.widgets![0]!.value).startsWith('plain'), made.id);
    const at = await toPage(page, made.pos);
    expect(Math.hypot(at[0] - 700, at[1] - 500)).toBeLessThan(5);
    // A SaveImage output PNG (it carries its workflow) opens the workflow instead.
    await load(page, basicWorkflow());
    const promptId = await clickQueue(page);
    const messages = await waitForRun(page, promptId);
    const ref = (messages.find((m) => m.type === 'executed' && m.data.node === '2')!.data.output as { images: Array<{ filename: string; subfolder: string; type: string }> }).images[0]!;
    const png = await h.server.view(ref);
    await load(page, emptyWorkflow());
    await dropFile(page, png, 'with-workflow.png', 'image/png', [700, 500]);
    await page.waitForFunction(() => window.perceptgraph!.graph.nodes.length === 4);
  });

  it('pastes an image into the selected LoadImage, or into a new one', async () => {
    await load(page, emptyWorkflow());
    const id = await page.evaluate(() => {
      const app = window.perceptgraph!.app;
      const n = app.createNode('LoadImage', [200, 120])!;
      app.canvas.selectNode(n);
      return n.id as number;
    });
    const paste = (bytes: Buffer, name: string) => page.evaluate(([b, n]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(b as number[])], n as string, { type: 'image/png' }));
      document.getElementById('graph-canvas')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, [[...bytes], name] as const);
    await paste(solidPng([1, 2, 3]), 'pasted-one.png');
    await page.waitForFunction((n) => String(window.perceptgraph!.graph.getNodeById(n)!.widgets![0]!.value).startsWith('pasted-one'), id);
    await page.evaluate(() => window.perceptgraph!.app.canvas.deselectAll());
    await paste(solidPng([4, 5, 6]), 'pasted-two.png');
    await page.waitForFunction(() => window.perceptgraph!.graph.nodes.length === 2);
    const second = await page.evaluate(() => window.perceptgraph!.graph.nodes[1]!.id as number);
    await page.waitForFunction((n) => String(window.perceptgraph!.graph.getNodeById(n)!.widgets![0]!.value).startsWith('pasted-two'), second);
    await screenshot(page, 'inputs-03-pasted-images');
  });

  it('refreshes combo lists without a reload', async () => {
    await load(page, emptyWorkflow());
    const id = await page.evaluate(() => window.perceptgraph!.app.createNode('LoadImage', [200, 120])!.id as number);
    // A file arrives in the input folder behind the editor's back.
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(solidPng([9, 9, 9]))], { type: 'image/png' }), 'arrived-later.png');
    const up = (await (await fetch(`${h.server.url}/upload/image`, { method: 'POST', body: form })).json()) as { name: string };
    const before = await page.evaluate((n) => [...window.perceptgraph!.graph.getNodeById(n)!.widgets![0]!.options.values as string[]], id);
    expect(before).not.toContain(up.name);
    const value = await loadImageValue(page, id);
    await page.click('#refresh-button');
    await page.waitForFunction(([n, name]) => (window.perceptgraph!.graph.getNodeById(n as number)!.widgets![0]!.options.values as string[]).includes(name as string), [id, up.name] as const);
    expect(await loadImageValue(page, id)).toBe(value);
    // New nodes get the fresh list too.
    const fresh = await page.evaluate(() => window.perceptgraph!.app.objectInfo.LoadImage!.input.required.image![0]);
    expect(fresh).toContain(up.name);
  });

  it('refreshes model lists without a reload (a checkpoint copied into models/checkpoints)', async () => {
    await load(page, emptyWorkflow());
    const id = await page.evaluate(() => window.perceptgraph!.app.createNode('CheckpointLoaderSimple', [200, 120])!.id as number);
    const ckptNames = () => page.evaluate((n) => [...window.perceptgraph!.graph.getNodeById(n)!.widgets!.find((w: { name: string }) => w.name === 'ckpt_name')!.options.values as string[]], id);
    expect(await ckptNames()).not.toContain('arrived-later.safetensors');
    mkdirSync(path.join(h.server.dirs.models, 'checkpoints'), { recursive: true });
    writeFileSync(path.join(h.server.dirs.models, 'checkpoints/arrived-later.safetensors'), 'not read until loaded');
    await page.click('#refresh-button');
    await page.waitForFunction((n) => (window.perceptgraph!.graph.getNodeById(n)!.widgets!.find((w: { name: string }) => w.name === 'ckpt_name')!.options.values as string[]).includes('arrived-later.safetensors'), id);
    const fresh = await page.evaluate(() => window.perceptgraph!.app.objectInfo.CheckpointLoaderSimple!.input.required.ckpt_name![0]);
    expect(fresh).toContain('arrived-later.safetensors');
    await screenshot(page, 'inputs-04-refreshed-checkpoints');
  });

  it('queues the graph as many times as the batch count says', async () => {
    await load(page, basicWorkflow());
    await page.fill('#batch-count', '3');
    const before = Object.keys((await h.server.getJson('/history')).body).length;
    await page.click('#queue-button');
    await page.waitForFunction(() => /Queued/.test(document.getElementById('toast')!.textContent ?? ''));
    const deadline = Date.now() + 30_000;
    let after = before;
    while (after < before + 3 && Date.now() < deadline) {
      await page.waitForFunction(() => window.perceptgraph!.app.queueRemaining === 0, undefined, { timeout: 30_000 });
      after = Object.keys((await h.server.getJson('/history')).body).length;
    }
    expect(after).toBe(before + 3);
    await page.fill('#batch-count', '1');
    expect(consoleErrors).toEqual([]);
  });
});
