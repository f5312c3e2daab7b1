/**
 * Files dropped or pasted onto the editor, as ComfyUI handles them:
 * - an image dropped on a node with an image upload (LoadImage) is uploaded and selected there;
 * - a PNG carrying a workflow dropped on the empty canvas opens that workflow; `.json` files open too;
 * - any other image (dropped on the canvas, or pasted) is uploaded into a new LoadImage at that point, or pasted
 *   into the selected LoadImage;
 * - a paste without an image pastes litegraph's copied nodes (Ctrl+V is routed here so it pastes once).
 */
import type { EditorApp } from './app.js';
import type { LGraphNode } from './litegraph.js';
import { workflowFromPng } from './png-text.js';
import { uploadInto, uploadWidgetOf } from './widgets.js';
import { workflowFromFile } from './workflow-io.js';

const isImage = (f: File) => /^image\/(png|jpeg|webp)$/.test(f.type) || /\.(png|jpe?g|webp)$/i.test(f.name);

/** Puts an image into `node` (or a new LoadImage at `pos`), selects the node, and records the change. */
async function placeImage(app: EditorApp, file: File, node: LGraphNode | undefined, pos: [number, number]): Promise<void> {
  const target = node ?? app.createNode('LoadImage', pos);
  if (!target) throw new Error('there is no LoadImage node on this server');
  await uploadInto(target, file, app.widgetDeps);
  app.canvas.selectNode(target);
  app.checkChange();
  app.notify(`Uploaded ${file.name}`);
}

async function dropFile(app: EditorApp, file: File, client: { clientX: number; clientY: number }): Promise<void> {
  const pos = app.canvas.convertEventToCanvasOffset(client as MouseEvent) as [number, number];
  const hit = app.graph.getNodeOnPos(pos[0], pos[1]) ?? undefined;
  if (isImage(file) && hit && uploadWidgetOf(hit)) return placeImage(app, file, hit, pos);
  if (isImage(file)) {
    const embedded = /png$/i.test(file.type) || /\.png$/i.test(file.name) ? workflowFromPng(new Uint8Array(await file.arrayBuffer())) : undefined;
    if (embedded && !hit) return void app.loadWorkflow(embedded.json);
    return placeImage(app, file, undefined, pos);
  }
  app.loadWorkflow(await workflowFromFile(file));
}

function selectedUploadNode(app: EditorApp): LGraphNode | undefined {
  return (Object.values(app.canvas.selected_nodes ?? {}) as LGraphNode[]).find((n) => uploadWidgetOf(n));
}

/** Installs drop and paste handling on the document. */
export function installFileDrop(app: EditorApp): void {
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => {
    const file = e.dataTransfer?.files[0];
    if (!file) return;
    e.preventDefault();
    dropFile(app, file, e).catch((err: Error) => app.notify(err.message, 'error'));
  });
  let pendingNodePaste: { shift: boolean } | undefined;
  const pasteNodes = (shift: boolean) => app.canvas.pasteFromClipboard({ connectInputs: shift });
  // Litegraph pastes its nodes on the keydown; the paste event (with any image) comes right after it.
  document.addEventListener('keydown', (e) => {
    const el = e.target as HTMLElement;
    if (!(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== 'v' || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') return;
    e.stopPropagation();
    pendingNodePaste = { shift: e.shiftKey };
    setTimeout(() => {
      if (pendingNodePaste) pasteNodes(pendingNodePaste.shift);
      pendingNodePaste = undefined;
    }, 0);
  }, true);
  document.addEventListener('paste', (e) => {
    const el = e.target as HTMLElement;
    if (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') return;
    const shift = pendingNodePaste?.shift ?? false;
    pendingNodePaste = undefined;
    const image = [...(e.clipboardData?.files ?? [])].find(isImage);
    e.preventDefault();
    if (!image) return pasteNodes(shift);
    // Where the pointer last was over the canvas (litegraph tracks it in graph coordinates).
    const mouse = app.canvas.graph_mouse;
    const at: [number, number] = [mouse[0], mouse[1]];
    placeImage(app, image, selectedUploadNode(app), at).catch((err: Error) => app.notify(err.message, 'error'));
  });
}
