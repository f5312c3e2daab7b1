/**
 * ComfyUI's keyboard shortcuts: Ctrl+Enter queue, Ctrl+Shift+Enter queue at the front, Ctrl+S save, Ctrl+O open,
 * `.` fit the graph to the view, Ctrl+B bypass, Ctrl+M mute, Ctrl+Z undo, Ctrl+Y / Ctrl+Shift+Z redo (Cmd on a
 * Mac). They stand back while the user types in a text field.
 */

/** The actions the shortcuts trigger. */
export interface ShortcutActions {
  queue(front: boolean): unknown;
  save(): unknown;
  open(): unknown;
  fitView(): unknown;
  bypass(): unknown;
  mute(): unknown;
  undo(): unknown;
  redo(): unknown;
}

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

/** The action for a key press, or undefined when it is not a shortcut. */
export function shortcutFor(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>, a: ShortcutActions): (() => unknown) | undefined {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (e.altKey) return undefined;
  if (mod && key === 'Enter') return () => a.queue(e.shiftKey);
  if (mod && !e.shiftKey && key === 's') return a.save;
  if (mod && !e.shiftKey && key === 'o') return a.open;
  if (mod && !e.shiftKey && key === 'b') return a.bypass;
  if (mod && !e.shiftKey && key === 'm') return a.mute;
  if (mod && !e.shiftKey && key === 'z') return a.undo;
  if (mod && (key === 'y' || (e.shiftKey && key === 'z'))) return a.redo;
  if (!mod && !e.shiftKey && key === '.') return a.fitView;
  return undefined;
}

/** Installs the shortcuts on the document. */
export function installShortcuts(actions: ShortcutActions): void {
  document.addEventListener('keydown', (e) => {
    if (typing(e.target)) return;
    const action = shortcutFor(e, actions);
    if (!action) return;
    e.preventDefault();
    e.stopPropagation();
    void Promise.resolve(action()).catch((err: Error) => console.warn(err));
  }, true);
}
