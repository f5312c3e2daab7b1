/**
 * Shared pieces of the editor's browser tests: workflow builders, a stub sampler that streams step previews,
 * and page helpers that find things on the canvas (node titles, sockets) in page coordinates, so tests can act
 * with the real mouse. Every wait is on a condition, never a fixed sleep (the test machine is a loaded 2-core box).
 */
import { deflateSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { defineNode } from '../../server/engine/node-definition.js';
import { int, socket } from '../../server/engine/inputs.js';
import { ANY } from '../../server/engine/socket-type.js';
import { rawPng } from '../support/png.js';

/** A UI-workflow node with defaults. */
export const node = (id: number, type: string, pos: [number, number], extra: Record<string, unknown>) =>
  ({ id, type, pos, size: [320, 260], flags: {}, order: id, mode: 0, properties: {}, ...extra });

/** Two independent branches: StubImage 1 → SaveImage 2, StubImage 3 → PreviewImage 4. */
export function basicWorkflow() {
  return {
    last_node_id: 4, last_link_id: 2, version: 0.4, groups: [], config: {}, extra: {},
    nodes: [
      node(1, 'StubImage', [40, 80], { inputs: [], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [1] }], widgets_values: [32, 24, 1, 0.5] }),
      node(2, 'SaveImage', [420, 80], { inputs: [{ name: 'images', type: 'IMAGE', link: 1 }], outputs: [], widgets_values: ['e2e'] }),
      node(3, 'StubImage', [40, 400], { inputs: [], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [2] }], widgets_values: [16, 16, 1, 0.9] }),
      node(4, 'PreviewImage', [420, 400], { inputs: [{ name: 'images', type: 'IMAGE', link: 2 }], outputs: [] }),
    ],
    links: [[1, 1, 0, 2, 0, 'IMAGE'], [2, 3, 0, 4, 0, 'IMAGE']],
  };
}

/** An empty UI workflow. */
export const emptyWorkflow = () => ({ nodes: [], links: [], version: 0.4 });

/** A 4×4 solid-colour RGB PNG, built independently of the code under test. */
export function solidPng(rgb: [number, number, number]): Buffer {
  const row = Buffer.from([0, ...rgb, ...rgb, ...rgb, ...rgb]);
  return rawPng({ width: 4, height: 4, bitDepth: 8, colorType: 2, idat: deflateSync(Buffer.concat([row, row, row, row])) });
}

/** The RGB of one canvas pixel at page coordinates (the canvas fills the page at device scale 1). */
export function canvasPixel(page: Page, at: [number, number]): Promise<[number, number, number]> {
  return page.evaluate(([x, y]) => {
    const c = document.getElementById('graph-canvas') as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(Math.round(x), Math.round(y), 1, 1).data;
    return [d[0]!, d[1]!, d[2]!] as [number, number, number];
  }, at);
}

/** Sleeps in steps like `Sleep`, sending a PNG step preview with each step (a sampler's preview stream). */
export const PreviewSleep = defineNode({
  type: 'PreviewSleep',
  category: 'testing',
  description: 'Sleeps in steps and sends a step preview each step.',
  inputs: { required: { ms: int({ default: 300, min: 0, max: 600000 }), steps: int({ default: 3, min: 1, max: 100 }) }, optional: { value: socket(ANY) } },
  outputs: [{ type: ANY, name: 'value' }],
  async run(ctx, { ms, steps, value }) {
    const png = new Uint8Array(solidPng([200, 200, 200]));
    for (let i = 1; i <= steps; i++) {
      await new Promise((r) => setTimeout(r, ms / steps));
      ctx.progress(i, steps, { format: 'png', data: png });
    }
    return { outputs: [value ?? ms] };
  },
});

/** Clicks Queue and returns the id of the prompt it queued. */
export async function clickQueue(page: Page, selector = '#queue-button'): Promise<string> {
  const before = await page.evaluate(() => window.perceptgraph!.app.lastPromptId);
  await page.click(selector);
  return waitNewPrompt(page, before);
}

/** Waits until the app queued a prompt other than `before`; returns its id. */
export async function waitNewPrompt(page: Page, before: string | null): Promise<string> {
  const handle = await page.waitForFunction((prev) => {
    const id = window.perceptgraph!.app.lastPromptId;
    return id && id !== prev ? id : null;
  }, before, { timeout: 15_000 });
  return (await handle.jsonValue()) as string;
}

/** Sets a widget value directly (for set-up, not for what is under test). */
export function setWidget(page: Page, nodeId: number, name: string, value: unknown): Promise<void> {
  return page.evaluate(([id, n, v]) => {
    const w = window.perceptgraph!.graph.getNodeById(id as number)!.widgets!.find((x: { name: string }) => x.name === n)!;
    w.value = v as never;
  }, [nodeId, name, value] as const);
}

/** Page coordinates of a point in graph (canvas) space. */
export function toPage(page: Page, pos: [number, number]): Promise<[number, number]> {
  return page.evaluate(([x, y]) => {
    const c = window.perceptgraph!.app.canvas;
    const rect = c.canvas.getBoundingClientRect();
    const [cx, cy] = c.ds.convertOffsetToCanvas([x, y]);
    return [rect.left + cx, rect.top + cy] as [number, number];
  }, pos);
}

/** Page coordinates of a node's input (or output) socket. */
export async function socketPos(page: Page, nodeId: number, input: boolean, slot: number): Promise<[number, number]> {
  const pos = await page.evaluate(([id, isIn, s]) => {
    const n = window.perceptgraph!.graph.getNodeById(id as number)!;
    return n.getConnectionPos(isIn as boolean, s as number) as [number, number];
  }, [nodeId, input, slot] as const);
  return toPage(page, pos);
}

/** Page coordinates of a point in a node's title bar (litegraph draws the title above `pos`). */
export async function titlePos(page: Page, nodeId: number): Promise<[number, number]> {
  const pos = await page.evaluate((id) => {
    const n = window.perceptgraph!.graph.getNodeById(id)!;
    return [n.pos[0] + 60, n.pos[1] - 14] as [number, number];
  }, nodeId);
  return toPage(page, pos);
}

/** Waits for the canvas to have drawn a frame since now (litegraph draws on animation frames). */
export function nextFrames(page: Page, n = 3): Promise<void> {
  return page.evaluate((count) => new Promise<void>((resolve) => {
    let left = count;
    const tick = () => (--left <= 0 ? resolve() : requestAnimationFrame(tick));
    requestAnimationFrame(tick);
  }), n);
}

/**
 * Double clicks at a page point until `opened` holds: litegraph reads a double click from two pointer events'
 * timing, and on a busy machine one attempt can be read as two single clicks.
 */
export async function doubleClickUntil(page: Page, at: [number, number], opened: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await page.mouse.dblclick(at[0], at[1]);
    if (await page.waitForSelector(opened, { timeout: 4_000 }).then(() => true, () => false)) return;
    if (attempt === 4) throw new Error(`${opened} did not appear after ${attempt} double clicks`);
  }
}

/** Scores rows as ShowScores sends them (`{image, score}` per image) plus `lines` text lines: the scores view. */
export const StubScores = defineNode({
  type: 'StubScores',
  category: 'testing',
  outputNode: true,
  inputs: { required: { lines: int({ default: 14, min: 0, max: 100 }) } },
  outputs: [],
  run(_ctx, { lines }) {
    const scores = [0.123456, 0.123401, 1.5].map((score, image) => ({ image, score }));
    return { ui: { scores, text: Array.from({ length: lines }, (_, i) => `summary line ${i + 1}`) } };
  },
});


/**
 * Waits until the undo history holds `depth` steps. On a timeout the error lists every recorded state (node id,
 * position, size, widget values), so a run that records one step too many or too few says which.
 */
export async function waitUndoDepth(page: Page, depth: number, timeout = 15_000): Promise<void> {
  try {
    await page.waitForFunction((d) => window.perceptgraph!.app.tracker.depth.undo === d, depth, { timeout });
  } catch (err) {
    const states = await page.evaluate(() => {
      const t = window.perceptgraph!.app.tracker as unknown as { undoStack: string[]; current: string };
      const sum = (s: string) => (JSON.parse(s).nodes as Array<{ id: number; pos: number[]; size: number[]; widgets_values?: unknown }>)
        .map((n) => `${n.id}@${n.pos.join(',')} ${n.size.join('x')} ${JSON.stringify(n.widgets_values ?? null)}`).join('; ');
      return [...t.undoStack.map(sum), `current: ${sum(t.current)}`];
    });
    throw new Error(`undo depth is not ${depth}; recorded states:\n${states.join('\n')}\n${(err as Error).message}`);
  }
}
