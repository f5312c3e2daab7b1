/**
 * Tooltips from `/object_info`, as ComfyUI shows them: hovering an input socket or a widget shows its `tooltip`
 * option, an output socket its `output_tooltips` entry, and the title the node's description. Shown after the
 * pointer rests for a moment; hidden on the next move or press.
 */
import type { LGraphCanvas, LGraphNode } from './litegraph.js';
import type { ObjectInfo } from '../../server/protocol/ui-to-api.js';

/** How long the pointer must rest before a tooltip shows (ComfyUI waits about as long). */
export const TOOLTIP_DELAY_MS = 500;

function inputTooltip(info: ObjectInfo, type: string, name: string): string | undefined {
  const def = info[type];
  const spec = def?.input.required?.[name] ?? def?.input.optional?.[name];
  const tip = spec?.[1]?.tooltip;
  return typeof tip === 'string' && tip ? tip : undefined;
}

/** The tooltip at a graph position over `node`, if any. */
export function tooltipAt(info: ObjectInfo, node: LGraphNode, pos: [number, number]): string | undefined {
  const def = info[node.type ?? ''];
  if (!def) return undefined;
  if (pos[1] < node.pos[1]) return def.description || undefined;
  const widget = node.getWidgetOnPos(pos[0], pos[1]);
  if (widget) return inputTooltip(info, node.type!, (widget as { controls?: string }).controls ?? widget.name);
  const slot = node.getSlotOnPos(pos) as { name: string; widget?: { name: string }; links?: unknown } | undefined;
  if (!slot) return undefined;
  const output = node.outputs.indexOf(slot as never);
  if (output >= 0) return def.output_tooltips?.[output] || undefined;
  return inputTooltip(info, node.type!, slot.widget?.name ?? slot.name);
}

/** Installs hover tooltips on the canvas. */
export function installTooltips(canvas: LGraphCanvas, info: () => ObjectInfo): void {
  const tip = Object.assign(document.createElement('div'), { className: 'pg-tooltip', hidden: true });
  document.body.append(tip);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hide = () => {
    clearTimeout(timer);
    tip.hidden = true;
  };
  canvas.canvas.addEventListener('pointermove', (e: PointerEvent) => {
    hide();
    if (e.buttons) return;
    timer = setTimeout(() => {
      const pos = canvas.convertEventToCanvasOffset(e) as [number, number];
      const node = canvas.graph?.getNodeOnPos(pos[0], pos[1]) ?? canvas.graph?.getNodeOnPos(pos[0], pos[1] + 30);
      const text = node && tooltipAt(info(), node, pos);
      if (!text) return;
      tip.textContent = text;
      tip.style.left = `${e.clientX + 12}px`;
      tip.style.top = `${e.clientY + 16}px`;
      tip.hidden = false;
    }, TOOLTIP_DELAY_MS);
  });
  // Capture phase: litegraph handles presses on the canvas before they would bubble.
  document.addEventListener('pointerdown', hide, true);
  canvas.canvas.addEventListener('pointerleave', hide);
}
