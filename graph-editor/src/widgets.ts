/**
 * Widgets for the INT, FLOAT, STRING (single and multiline), BOOLEAN and COMBO inputs of `/object_info`, honouring
 * `default`/`min`/`max`/`step`/`round`. They are added in {@link widgetSlots} order, each followed by the same
 * frontend-only values the converter skips (control-after-generate mode, upload button), so `widgets_values` lines
 * up with `uiToApi` and with ComfyUI's own files.
 */
import type { LGraphNode } from './litegraph.js';
import type { WidgetSlot } from '../../server/protocol/ui-to-api.js';
import { openTextEditor } from './text-editor.js';

/** Modes of the control widget that follows a seed; applied after each queue (ComfyUI's default timing). */
export const CONTROL_MODES = ['fixed', 'increment', 'decrement', 'randomize'] as const;
export type ControlMode = (typeof CONTROL_MODES)[number];

/** Name of the control widget that follows widget `name`. */
export const controlWidgetName = (name: string) => `${name}::control_after_generate`;

// Integers past 2^53 cannot be held by a JS number; ComfyUI's frontend caps randomised seeds the same way.
const MAX_SAFE_SEED = 2 ** 50;

/** A widget as we use it: litegraph's widget classes share these members. */
export interface EditorWidget {
  name: string;
  type: string;
  value: unknown;
  options: Record<string, unknown>;
  y?: number;
  serialize?: boolean;
  /** For control widgets: the name of the widget they drive. */
  controls?: string;
  /** The input this widget stands for (absent for control/upload widgets). */
  slot?: WidgetSlot;
  callback?: (value: unknown) => void;
}

function num(v: unknown, fallback: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : fallback;
}

/** Decimal places that a FLOAT widget shows: from `round`, else `step`, else 2. */
function floatPrecision(opts: Record<string, unknown>): number {
  const unit = typeof opts.round === 'number' && opts.round > 0 ? opts.round : num(opts.step, 0.01);
  const text = String(unit);
  return text.includes('e-') ? Number(text.split('e-')[1]) : (text.split('.')[1]?.length ?? 0);
}

/** Clamps to the slot's bounds and snaps INT values to integers, FLOAT values to `round`. */
export function clampToSlot(slot: WidgetSlot, value: number): number {
  const o = slot.options;
  let v = slot.kind === 'INT' ? Math.round(value) : value;
  if (slot.kind === 'FLOAT' && typeof o.round === 'number' && o.round > 0) v = Math.round(v / o.round) * o.round;
  if (typeof o.min === 'number' && v < o.min) v = o.min;
  if (typeof o.max === 'number' && v > o.max) v = o.max;
  return v;
}

function addNumber(node: LGraphNode, slot: WidgetSlot): EditorWidget {
  const o = slot.options;
  const isInt = slot.kind === 'INT';
  const options = {
    min: typeof o.min === 'number' ? o.min : undefined,
    max: typeof o.max === 'number' && o.max <= Number.MAX_SAFE_INTEGER ? o.max : undefined,
    step2: num(o.step, isInt ? 1 : 0.01),
    precision: isInt ? 0 : floatPrecision(o),
  };
  const w = node.addWidget('number', slot.name, num(o.default, 0), null, options) as unknown as EditorWidget;
  // Litegraph neither rounds nor snaps; keep what is stored valid for the server's INT coercion.
  (w as unknown as { callback: (v: number) => void }).callback = (v: number) => {
    w.value = clampToSlot(slot, v);
  };
  return w;
}

/** True when the widget's input socket is linked, so the value comes from upstream (ComfyUI greys it out). */
function isLinked(node: LGraphNode, name: string): boolean {
  return node.inputs.some((i) => (i as { widget?: { name: string } }).widget?.name === name && i.link != null);
}

function drawMultiline(this: EditorWidget, ctx: CanvasRenderingContext2D, node: LGraphNode, width: number, y: number): void {
  const h = 64;
  ctx.save();
  ctx.fillStyle = '#222';
  ctx.strokeStyle = '#555';
  ctx.beginPath();
  ctx.roundRect(15, y, width - 30, h, 6);
  ctx.fill();
  ctx.stroke();
  ctx.clip();
  const linked = isLinked(node, this.name);
  ctx.fillStyle = linked ? '#888' : '#ddd';
  ctx.font = linked ? 'italic 12px sans-serif' : '12px sans-serif';
  const lines = linked ? [`${this.name}: from the linked input`] : String(this.value ?? '').split('\n').slice(0, 4);
  lines.forEach((line, i) => ctx.fillText(line, 22, y + 16 + i * 14));
  ctx.restore();
}

function addMultiline(node: LGraphNode, slot: WidgetSlot): EditorWidget {
  const widget = {
    type: 'multiline',
    name: slot.name,
    value: String(slot.options.default ?? ''),
    options: { multiline: true },
    computeSize: (width: number) => [width, 68],
    draw: drawMultiline,
    mouse(this: EditorWidget, e: PointerEvent) {
      if (e.type !== 'pointerdown' || isLinked(node, slot.name)) return false;
      openTextEditor({ title: slot.name, value: String(this.value ?? ''), onSave: (v) => { this.value = v; node.setDirtyCanvas(true, true); } });
      return true;
    },
  };
  return node.addCustomWidget(widget as never) as unknown as EditorWidget;
}

function addControl(node: LGraphNode, target: EditorWidget): void {
  const w = node.addWidget('combo', controlWidgetName(target.name), 'randomize', null, { values: [...CONTROL_MODES] }) as unknown as EditorWidget;
  w.controls = target.name;
  // The internal name keeps it unique per target; the canvas shows ComfyUI's label.
  (w as unknown as { label?: string }).label = 'control_after_generate';
}

/** The upload combo of a node (LoadImage's `image`), if it has one. */
export function uploadWidgetOf(node: LGraphNode): EditorWidget | undefined {
  return ((node.widgets ?? []) as unknown as EditorWidget[]).find((w) => w.slot?.upload);
}

/** Uploads `file` and selects it in the node's upload combo (adding it to the choices); returns the name. */
export async function uploadInto(node: LGraphNode, file: File, deps: WidgetDeps): Promise<string> {
  const target = uploadWidgetOf(node);
  if (!target) throw new Error(`${node.title} takes no image upload`);
  const name = await deps.upload(file);
  const values = target.options.values as string[];
  if (!values.includes(name)) values.push(name);
  target.value = name;
  deps.showInputImage?.(node, name);
  node.setDirtyCanvas(true, true);
  return name;
}

function addUpload(node: LGraphNode, target: EditorWidget, deps: WidgetDeps): void {
  target.callback = (value) => deps.showInputImage?.(node, String(value));
  const pick = () => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = 'image/png,image/jpeg,image/webp';
    input.onchange = () => {
      const file = input.files?.[0];
      if (file) void uploadInto(node, file, deps).catch((e: Error) => console.warn(e));
    };
    input.click();
  };
  // The button's value "image" is what ComfyUI stores in widgets_values for LoadImage's upload button.
  node.addWidget('button', 'upload', 'image', pick);
}

/** Dependencies of {@link addSlotWidget}. */
export interface WidgetDeps {
  /** Uploads an image and returns the name to select (LoadImage's combo). */
  upload(file: File): Promise<string>;
  /** Shows the chosen input image on the node, as ComfyUI's LoadImage does. */
  showInputImage?(node: LGraphNode, name: string): void;
}

/** Adds the widget(s) for one widget input; returns the main widget. */
export function addSlotWidget(node: LGraphNode, slot: WidgetSlot, deps: WidgetDeps): EditorWidget {
  const o = slot.options;
  let w: EditorWidget;
  if (slot.kind === 'INT' || slot.kind === 'FLOAT') w = addNumber(node, slot);
  else if (slot.kind === 'STRING' && o.multiline === true) w = addMultiline(node, slot);
  else if (slot.kind === 'STRING') w = node.addWidget('text', slot.name, String(o.default ?? ''), null, {}) as unknown as EditorWidget;
  else if (slot.kind === 'BOOLEAN') {
    const labels = { on: typeof o.label_on === 'string' ? o.label_on : 'true', off: typeof o.label_off === 'string' ? o.label_off : 'false' };
    w = node.addWidget('toggle', slot.name, o.default === true, null, labels) as unknown as EditorWidget;
  } else {
    const value = typeof o.default === 'string' && slot.choices.includes(o.default) ? o.default : (slot.choices[0] ?? '');
    w = node.addWidget('combo', slot.name, value, null, { values: [...slot.choices] }) as unknown as EditorWidget;
  }
  w.slot = slot;
  if (slot.control) addControl(node, w);
  if (slot.upload) addUpload(node, w, deps);
  return w;
}

/** Next value of a controlled widget after a queue: fixed keeps it, increment/decrement step, randomize draws. */
export function nextControlledValue(slot: WidgetSlot, value: unknown, mode: string, random = Math.random): unknown {
  if (slot.kind === 'COMBO') {
    const i = slot.choices.indexOf(String(value));
    if (mode === 'increment') return slot.choices[Math.min(i + 1, slot.choices.length - 1)] ?? value;
    if (mode === 'decrement') return slot.choices[Math.max(i - 1, 0)] ?? value;
    if (mode === 'randomize') return slot.choices[Math.floor(random() * slot.choices.length)] ?? value;
    return value;
  }
  const step = num(slot.options.step, 1);
  const min = num(slot.options.min, 0);
  const max = Math.min(num(slot.options.max, MAX_SAFE_SEED), MAX_SAFE_SEED);
  const v = num(value, min);
  if (mode === 'increment') return Math.min(v + step, max);
  if (mode === 'decrement') return Math.max(v - step, min);
  if (mode === 'randomize') return min + Math.floor(random() * ((max - min) / step + 1)) * step;
  return v;
}

/** Applies every control widget of a node (after a successful queue). */
export function applyControls(node: LGraphNode): void {
  const widgets = (node.widgets ?? []) as unknown as EditorWidget[];
  for (const control of widgets) {
    const target = control.controls && widgets.find((w) => w.name === control.controls);
    if (target && target.slot) target.value = nextControlledValue(target.slot, target.value, String(control.value));
  }
}
