/**
 * One rule for every popup of the editor (toolbar menus, the node search, the lightbox, litegraph's context
 * menus): Escape closes them all, and a pointer press outside a popup closes it, as in ComfyUI.
 */
import { LiteGraph } from './litegraph.js';

/** A popup that is open: its element, what opened it (a press there must not close it) and how to close it. */
interface OpenPopup {
  element: HTMLElement;
  opener?: HTMLElement;
  close(): void;
}

const open = new Set<OpenPopup>();

/**
 * Registers an open popup; it is forgotten once closed. Returns the function that closes it (idempotent), to use
 * in place of `close` by its owner.
 */
export function trackPopup(element: HTMLElement, close: () => void, opener?: HTMLElement): () => void {
  const entry: OpenPopup = {
    element,
    opener,
    close: () => {
      if (!open.delete(entry)) return;
      close();
    },
  };
  open.add(entry);
  return entry.close;
}

/** True while at least one tracked popup is open (keyboard shortcuts stand back then). */
export function anyPopupOpen(): boolean {
  return open.size > 0 || document.querySelector('.litecontextmenu') !== null;
}

/** Closes every tracked popup and litegraph's context menus. */
export function closeAllPopups(): void {
  for (const p of [...open]) p.close();
  LiteGraph.closeAllContextMenus(window);
}

/** Installs the document listeners; call once at start-up. */
export function installPopupRules(): void {
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || !anyPopupOpen()) return;
    closeAllPopups();
    e.preventDefault();
    e.stopPropagation();
  }, true);
  // Capture phase: the canvas stops propagation of its own pointer events.
  document.addEventListener('pointerdown', (e) => {
    const target = e.target as Node | null;
    for (const p of [...open]) {
      if (target && (p.element.contains(target) || p.opener?.contains(target))) continue;
      p.close();
    }
  }, true);
}
