/**
 * The canvas and node context menus: litegraph's, less the entries that do not work here (subgraphs are not
 * supported by the server, and the properties panel edits litegraph internals the server never reads), plus
 * ComfyUI's Bypass and Mute toggles and, on nodes showing images, Open Image / Save Image.
 */
import type { LGraphCanvas, LGraphNode } from './litegraph.js';
import { NodeModes } from './node-modes.js';


const BROKEN = [/^Convert to Subgraph/, /^Properties Panel$/];

type MenuItem = { content?: string; callback?: (...args: never[]) => unknown } | null;

function withoutBroken<T extends MenuItem>(items: T[]): T[] {
  const kept = items.filter((i) => !(i && typeof i.content === 'string' && BROKEN.some((re) => re.test(i.content!))));
  // Dropping an entry can leave two separators (null) in a row.
  return kept.filter((i, n) => i !== null || (n > 0 && kept[n - 1] !== null));
}

/** What the node menu needs from the app. */
export interface NodeMenuDeps {
  /** Sets the mode of the selected nodes (or of `node` alone when it is not selected); toggles back to 0. */
  toggleMode(node: LGraphNode, mode: number): void;
  /** The image a node shows, if any (for Open Image / Save Image). */
  imageOf(node: LGraphNode): HTMLImageElement | undefined;
}

function saveImage(img: HTMLImageElement): void {
  const a = document.createElement('a');
  a.href = img.src;
  a.download = new URL(img.src, location.href).searchParams.get('filename') ?? 'image.png';
  a.click();
}

/** Installs the filtered menus on `canvas`. */
export function installCanvasMenus(canvas: LGraphCanvas, deps: NodeMenuDeps): void {
  const nodeMenu = canvas.getNodeMenuOptions.bind(canvas);
  const canvasMenu = canvas.getCanvasMenuOptions.bind(canvas);
  canvas.getCanvasMenuOptions = () => withoutBroken(canvasMenu() as MenuItem[]) as never;
  canvas.getNodeMenuOptions = (node: LGraphNode) => {
    const items = withoutBroken(nodeMenu(node) as MenuItem[]);
    const extra: MenuItem[] = [
      { content: node.mode === NodeModes.bypass ? 'Remove Bypass' : 'Bypass', callback: () => deps.toggleMode(node, NodeModes.bypass) },
      { content: node.mode === NodeModes.never ? 'Unmute' : 'Mute', callback: () => deps.toggleMode(node, NodeModes.never) },
    ];
    const img = deps.imageOf(node);
    if (img) {
      extra.push(
        { content: 'Open Image', callback: () => void window.open(img.src, '_blank') },
        { content: 'Save Image', callback: () => saveImage(img) },
      );
    }
    const removeAt = items.findIndex((i) => i?.content === 'Remove');
    items.splice(removeAt < 0 ? items.length : removeAt - 1, 0, null, ...extra);
    return items as never;
  };
}

