/**
 * Rename a node by double-clicking its title, as in ComfyUI: an input box over the title; Enter or leaving it
 * keeps the new title, Escape drops it.
 */
import type { LGraphCanvas, LGraphNode } from './litegraph.js';

/** Opens the title box over `node`; `onDone` runs after a rename (for undo). */
export function editTitle(canvas: LGraphCanvas, node: LGraphNode, onDone: () => void): HTMLInputElement {
  document.querySelector('.pg-title-editor')?.remove();
  const input = Object.assign(document.createElement('input'), { className: 'pg-title-editor', value: node.title });
  const rect = canvas.canvas.getBoundingClientRect();
  const [x, y] = canvas.ds.convertOffsetToCanvas([node.pos[0], node.pos[1] - 30]);
  Object.assign(input.style, {
    left: `${rect.left + x}px`, top: `${rect.top + y}px`,
    width: `${Math.max(120, node.size[0] * canvas.ds.scale)}px`, height: `${Math.round(28 * canvas.ds.scale)}px`,
  });
  let done = false;
  const finish = (keep: boolean) => {
    if (done) return;
    done = true;
    if (keep && input.value.trim()) node.title = input.value.trim();
    input.remove();
    canvas.setDirty(true, true);
    onDone();
  };
  input.addEventListener('keydown', (e) => {
    e.stopPropagation();
    if (e.key === 'Enter') finish(true);
    else if (e.key === 'Escape') finish(false);
  });
  input.addEventListener('blur', () => finish(true));
  document.body.append(input);
  input.focus();
  input.select();
  return input;
}
