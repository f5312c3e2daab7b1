/**
 * Bypass and mute as ComfyUI has them: litegraph node modes 4 (bypass: the node is skipped and its matching inputs
 * pass through, `server/protocol/ui-to-api.ts`) and 2 (mute, "Never": the node and what only it feeds are left
 * out). Drawn like ComfyUI's frontend draws them: a bypassed node purple (`#FF00FF` at alpha 0.2), a muted one
 * greyed out (alpha 0.4).
 */
import type { LGraphCanvas, LGraphNode } from './litegraph.js';

/** Node modes as litegraph stores them. */
export const NodeModes = { always: 0, never: 2, bypass: 4 } as const;

/** ComfyUI's bypass colour. */
export const BYPASS_BG = '#FF00FF';

/**
 * Toggles `mode` on the selected nodes, or on `node` alone when given and not part of the selection: all of them
 * get `mode`, unless all already have it, then they go back to "always" (ComfyUI's Ctrl+B / Ctrl+M).
 */
export function toggleMode(canvas: LGraphCanvas, mode: number, node?: LGraphNode): void {
  const selected = Object.values(canvas.selected_nodes ?? {}) as LGraphNode[];
  const nodes = node && !selected.includes(node) ? [node] : selected;
  if (!nodes.length) return;
  const target = nodes.every((n) => n.mode === mode) ? NodeModes.always : mode;
  for (const n of nodes) n.mode = target as never;
  canvas.setDirty(true, true);
}

/** Wraps the canvas's node drawing to show the two modes. */
export function installModeDrawing(canvas: LGraphCanvas): void {
  const draw = canvas.drawNode.bind(canvas);
  canvas.drawNode = (node: LGraphNode, ctx: CanvasRenderingContext2D) => {
    const alpha = canvas.editor_alpha;
    const bg = node.bgcolor;
    if (node.mode === NodeModes.never) canvas.editor_alpha = 0.4;
    if (node.mode === NodeModes.bypass) {
      node.bgcolor = BYPASS_BG;
      canvas.editor_alpha = 0.2;
    }
    try {
      draw(node, ctx);
    } finally {
      canvas.editor_alpha = alpha;
      node.bgcolor = bg;
    }
  };
}
