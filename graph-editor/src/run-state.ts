/**
 * What the last run did to each node, fed by WebSocket events (docs/comfyui-protocol.md) and validation replies, and drawn
 * over the nodes: running outline, per-step progress bar, "cached" badge, output images and previews, score/text
 * lines, and validation or execution errors (with the offending input's widget outlined).
 */
import type { LGraphNode } from './litegraph.js';
import type { ApiClient, FileRef, NodeErrors } from './api-client.js';
import { gridCells, type Rect } from './image-grid.js';

/** Everything drawn over one node. */
export interface NodeRunState {
  running: boolean;
  cached: boolean;
  executed: boolean;
  /** 0..1 while a node reports progress. */
  progress?: number;
  images: HTMLImageElement[];
  /** The latest binary preview while the node runs. */
  preview?: HTMLImageElement;
  /** Lines from an `executed` output's `scores` or `text` key. */
  lines: string[];
  /** Validation errors of the last queue (`input` names the offending input); kept until the next queue. */
  errors: Array<{ input?: string; message: string }>;
  /** The exception of this node in the last run. */
  runError?: string;
  /** Per line: the image's score when several images are scored (drawn as a bar), else undefined. */
  bars: Array<number | undefined>;
  /** Text lines the node sent while running (binary text frames), e.g. a training's phases. */
  log: string[];
  /** `value/max` of the last progress event, shown while the node runs. */
  step?: string;
  /** Where the images were drawn last (node coordinates), for clicks that open the lightbox. */
  cells: Rect[];
  /** The node's size before it grew to show this state; it shrinks back to it when the content goes. */
  baseSize?: [number, number];
}

function emptyState(): NodeRunState {
  return { running: false, cached: false, executed: false, images: [], lines: [], bars: [], log: [], cells: [], errors: [] };
}

/** Significant digits of a shown score: enough to rank scores that differ in the 4th decimal of 0.001 (ComfyUI shows raw floats). */
export const SCORE_DIGITS = 5;

/** A score for display: integers as they are, other numbers to {@link SCORE_DIGITS} significant digits. */
export function formatScore(value: unknown): string {
  if (typeof value !== 'number') return JSON.stringify(value);
  if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(SCORE_DIGITS)));
}

/** The bar values of {@link outputLines}' lines: each row's `score` when two or more rows carry one. */
export function outputBars(output: Record<string, unknown>, lines: number): Array<number | undefined> {
  const rows = Array.isArray(output.scores) ? output.scores : [];
  const values = rows.map((r) => (r && typeof r === 'object' && typeof (r as { score?: unknown }).score === 'number' ? (r as { score: number }).score : undefined));
  const bars: Array<number | undefined> = values.filter((v) => v !== undefined).length >= 2 ? values : [];
  return Array.from({ length: lines }, (_, i) => bars[i]);
}

/** Turns an `executed` output's `scores` (array, number or name → value object) or `text` into display lines. */
export function outputLines(output: Record<string, unknown>): string[] {
  const lines: string[] = [];
  const { scores, text } = output;
  if (Array.isArray(scores)) {
    for (const s of scores) {
      if (s && typeof s === 'object' && !Array.isArray(s)) lines.push(Object.entries(s).map(([k, v]) => `${k}: ${formatScore(v)}`).join('  '));
      else lines.push(formatScore(s));
    }
  } else if (scores && typeof scores === 'object') {
    for (const [k, v] of Object.entries(scores)) lines.push(`${k}: ${Array.isArray(v) ? v.map(formatScore).join(', ') : formatScore(v)}`);
  } else if (scores !== undefined) lines.push(formatScore(scores));
  if (Array.isArray(text)) lines.push(...text.map(String));
  else if (typeof text === 'string') lines.push(text);
  return lines.flatMap((l) => l.split('\n'));
}

/** Per-node run state, keyed by node id as a string. */
export class RunState {
  private readonly nodes = new Map<string, NodeRunState>();
  runningNodeId: string | null = null;
  /** The prompt this client is watching (events of other prompts only update the queue panel). */
  currentPromptId: string | null = null;

  constructor(private readonly api: ApiClient, private readonly redraw: () => void) {}

  /** The state of a node (created empty on first access). */
  get(id: string | number): NodeRunState {
    const key = String(id);
    let s = this.nodes.get(key);
    if (!s) this.nodes.set(key, (s = emptyState()));
    return s;
  }

  /**
   * Forgets run marks (cached/executed/progress/run error) but keeps images, as ComfyUI does between runs, and
   * validation errors: a prompt with some invalid outputs still runs the valid ones.
   */
  resetRunMarks(): void {
    for (const s of this.nodes.values()) Object.assign(s, { running: false, cached: false, executed: false, progress: undefined, preview: undefined, runError: undefined });
    this.runningNodeId = null;
  }

  /** Forgets everything (a new workflow was loaded). */
  clear(): void {
    this.nodes.clear();
    this.runningNodeId = null;
  }

  /** Shows the `node_errors` of a rejected prompt on the nodes and their inputs. */
  setValidationErrors(nodeErrors: NodeErrors): void {
    for (const s of this.nodes.values()) s.errors = [];
    for (const [id, entry] of Object.entries(nodeErrors)) {
      this.get(id).errors = entry.errors.map((e) => ({
        input: typeof e.extra_info?.input_name === 'string' ? e.extra_info.input_name : undefined,
        message: e.details ? `${e.message}: ${e.details}` : e.message,
      }));
    }
    this.redraw();
  }

  /** Applies one WebSocket message; returns true when it belonged to the watched prompt. */
  handle(type: string, data: Record<string, unknown>): void {
    const node = data.node == null ? null : String(data.node);
    if (type === 'execution_start') {
      this.resetRunMarks();
      this.currentPromptId = String(data.prompt_id);
    } else if (type === 'execution_cached') {
      for (const id of (data.nodes as unknown[]) ?? []) this.get(String(id)).cached = true;
    } else if (type === 'executing') {
      if (this.runningNodeId) Object.assign(this.get(this.runningNodeId), { running: false, progress: undefined, preview: undefined });
      this.runningNodeId = node;
      if (node) Object.assign(this.get(node), { running: true, executed: true, log: [], step: undefined });
    } else if (type === 'progress' && node) {
      Object.assign(this.get(node), { progress: Number(data.value) / Math.max(1, Number(data.max)), step: `${String(data.value)}/${String(data.max)}` });
    } else if (type === 'executed' && node) {
      this.setOutput(node, (data.output ?? {}) as Record<string, unknown>);
    } else if (type === 'execution_error') {
      const id = String(data.node_id);
      this.get(id).runError = `${String(data.exception_type)}: ${String(data.exception_message)}`;
    }
    this.redraw();
  }

  /** Shows an `executed` output: images through `/view`, and score/text lines. */
  setOutput(id: string, output: Record<string, unknown>): void {
    const s = this.get(id);
    const images = Array.isArray(output.images) ? (output.images as FileRef[]) : [];
    s.images = images.map((ref) => this.loadImage(this.api.viewUrl(ref)));
    s.lines = outputLines(output);
    s.bars = outputBars(output, s.lines.length);
  }

  /** Appends a text line a running node sent (binary text frame). */
  addText(id: string, text: string): void {
    const s = this.get(id);
    s.log.push(...text.split('\n'));
    if (s.log.length > 8) s.log.splice(0, s.log.length - 8);
    this.redraw();
  }

  /**
   * Shows an input image on a node (LoadImage's selection). `name` is the combo value: an optional subfolder path
   * and ComfyUI's optional ` [input]`/` [output]`/` [temp]` annotation.
   */
  showInputImage(id: string, name: string): void {
    const m = /^(.*?)(?: \[(input|output|temp)\])?$/.exec(name)!;
    const file = m[1]!;
    const slash = file.lastIndexOf('/');
    const ref: FileRef = { filename: file.slice(slash + 1), subfolder: slash < 0 ? '' : file.slice(0, slash), type: m[2] ?? 'input' };
    this.get(id).images = file ? [this.loadImage(this.api.viewUrl(ref))] : [];
    this.redraw();
  }

  /** Shows a binary preview on the node that sent it (or the running node). */
  setPreview(blob: Blob, nodeId?: string): void {
    const id = nodeId ?? this.runningNodeId;
    if (!id) return;
    const state = this.get(id);
    const old = state.preview?.src;
    state.preview = this.loadImage(URL.createObjectURL(blob));
    if (old?.startsWith('blob:')) URL.revokeObjectURL(old);
  }

  private loadImage(src: string): HTMLImageElement {
    const img = new Image();
    img.onload = () => this.redraw();
    img.src = src;
    return img;
  }
}

/** Height of the image area a node gets for its images or preview (ComfyUI's is about the same). */
const IMAGE_AREA = 220;

const isReady = (img: HTMLImageElement) => img.complete && img.naturalWidth > 0;

/** The lines drawn under the widgets: the output lines, or while running the live log and phase. */
function shownLines(s: NodeRunState): string[] {
  // Only nodes that talk while running (a training) get live lines; others keep their size while they run.
  if (!s.running || !s.log.length) return s.lines;
  return s.step ? [...s.log, `step ${s.step}`] : s.log;
}

function linesHeight(s: NodeRunState): number {
  const n = s.running ? Math.max(shownLines(s).length, s.lines.length) : s.lines.length;
  return n ? 16 * n + 8 : 0;
}

/**
 * Grows a node to fit its run state (score lines, images, a step preview) and shrinks it back to the size it had
 * once that content is gone (a sampler after its preview). Done when the state changes, never while drawing, so
 * a new node shows its image without waiting for another redraw. Returns true when the size changed.
 */
export function fitNodeToRunState(node: LGraphNode, s: NodeRunState): boolean {
  const images = s.preview ? [s.preview] : s.images;
  const hasImages = images.some(isReady);
  // A batch grid gets taller with its rows (ComfyUI's grid is about as tall as it is wide).
  const rows = Math.ceil(images.length / Math.max(1, Math.ceil(Math.sqrt(images.length))));
  const content = linesHeight(s) + (hasImages ? IMAGE_AREA * Math.min(2, Math.max(1, rows / 1.5)) : 0);
  const [w, h] = node.size;
  if (!content) {
    if (!s.baseSize) return false;
    const back = Math.max(s.baseSize[1], node.computeSize()[1]);
    s.baseSize = undefined;
    if (back === h) return false;
    node.setSize([w, back]);
    return true;
  }
  const need = node.computeSize()[1] + content;
  if (need <= h) return false;
  s.baseSize ??= [w, h];
  node.setSize([w, need]);
  return true;
}

function drawImages(node: LGraphNode, ctx: CanvasRenderingContext2D, s: NodeRunState, top: number): void {
  const ready = (s.preview ? [s.preview] : s.images).filter(isReady);
  s.cells = [];
  if (!ready.length) return;
  const [w, h] = node.size;
  const area = { x: 4, y: top, w: w - 8, h: Math.max(0, h - top - 4) };
  if (area.h < 16) return;
  const cells = gridCells(area, ready.map((img) => ({ w: img.naturalWidth, h: img.naturalHeight })));
  ready.forEach((img, i) => ctx.drawImage(img, cells[i]!.x, cells[i]!.y, cells[i]!.w, cells[i]!.h));
  if (!s.preview) s.cells = cells;
}

/** A bar per scored image, scaled between the lowest and highest score of the batch. */
function drawBars(node: LGraphNode, ctx: CanvasRenderingContext2D, s: NodeRunState, top: number): void {
  const values = s.bars.filter((v): v is number => v !== undefined);
  if (values.length < 2) return;
  const lo = Math.min(...values);
  const span = Math.max(...values) - lo || 1;
  // Right of the longest scored line, so a bar never covers digits.
  const text = Math.max(...s.bars.map((v, i) => (v === undefined ? 0 : ctx.measureText(s.lines[i] ?? '').width)));
  const x = 8 + text + 10;
  const width = Math.max(24, node.size[0] - x - 10);
  s.bars.forEach((v, i) => {
    if (v === undefined) return;
    ctx.fillStyle = '#444';
    ctx.fillRect(x, top + 4 + i * 16, width, 11);
    ctx.fillStyle = '#e9a23b';
    ctx.fillRect(x, top + 4 + i * 16, Math.max(2, (width * (v - lo)) / span), 11);
  });
}

function widgetsBottom(node: LGraphNode): number {
  const widgets = (node.widgets ?? []) as Array<{ y?: number; computedHeight?: number }>;
  const last = widgets[widgets.length - 1];
  return last ? (last.y ?? 0) + (last.computedHeight ?? 24) : 30;
}

function drawErrors(node: LGraphNode, ctx: CanvasRenderingContext2D, s: NodeRunState): void {
  const messages = [...s.errors.map((e) => e.message), ...(s.runError ? [s.runError] : [])];
  ctx.strokeStyle = '#f33';
  ctx.lineWidth = 3;
  ctx.strokeRect(-2, -(26 + 2), node.size[0] + 4, node.size[1] + 26 + 4);
  for (const e of s.errors) {
    const w = e.input ? (node.widgets ?? []).find((x) => x.name === e.input) : undefined;
    if (w?.y !== undefined) ctx.strokeRect(10, w.y, node.size[0] - 20, 20);
    const slot = e.input ? node.inputs.findIndex((i) => i.name === e.input) : -1;
    if (slot >= 0 && !w) {
      const pos = node.getConnectionPos(true, slot);
      ctx.beginPath();
      ctx.arc(pos[0] - node.pos[0], pos[1] - node.pos[1], 7, 0, Math.PI * 2);
      ctx.stroke();
    }
  }
  ctx.fillStyle = '#f88';
  ctx.font = '12px sans-serif';
  messages.forEach((m, i) => ctx.fillText(m.slice(0, 120), 0, node.size[1] + 16 + i * 14));
}

/** Draws a node's run state; called from each node's `onDrawForeground` (origin at the node's top-left). */
export function drawRunState(node: LGraphNode, ctx: CanvasRenderingContext2D, s: NodeRunState): void {
  ctx.save();
  const [w, h] = node.size;
  if (s.running) {
    ctx.strokeStyle = '#0f0';
    ctx.lineWidth = 3;
    ctx.strokeRect(-3, -(26 + 3), w + 6, h + 26 + 6);
  }
  if (s.progress !== undefined) {
    ctx.fillStyle = '#2a2';
    ctx.fillRect(0, h - 4, w * Math.min(1, s.progress), 4);
  }
  if (s.cached) {
    ctx.fillStyle = '#456';
    ctx.fillRect(w - 58, -22, 52, 16);
    ctx.fillStyle = '#cde';
    ctx.font = '11px sans-serif';
    ctx.fillText('cached', w - 52, -10);
  }
  let top = widgetsBottom(node) + 4;
  const lines = shownLines(s);
  if (lines.length) {
    ctx.fillStyle = s.running ? '#9cf' : '#fd8';
    ctx.font = '13px monospace';
    lines.forEach((line, i) => ctx.fillText(line, 8, top + 14 + i * 16));
    if (lines === s.lines) drawBars(node, ctx, s, top);
    top += linesHeight(s);
  }
  drawImages(node, ctx, s, top);
  if (s.errors.length || s.runError) drawErrors(node, ctx, s);
  ctx.restore();
}
