/** A modal textarea for multiline STRING widgets (the canvas cannot host a text area itself). */

/** Options of {@link openTextEditor}. */
export interface TextEditorOptions {
  title: string;
  value: string;
  onSave(value: string): void;
}

/** Opens the editor; Save (or Ctrl+Enter) calls `onSave`, Escape or Cancel closes without saving. */
export function openTextEditor(opts: TextEditorOptions): void {
  const backdrop = document.createElement('div');
  backdrop.className = 'pg-modal';
  const box = document.createElement('div');
  box.className = 'pg-modal-box';
  const label = document.createElement('div');
  label.textContent = opts.title;
  const area = document.createElement('textarea');
  area.value = opts.value;
  area.rows = 10;
  const save = document.createElement('button');
  save.textContent = 'Save';
  const cancel = document.createElement('button');
  cancel.textContent = 'Cancel';
  const close = () => backdrop.remove();
  save.onclick = () => {
    opts.onSave(area.value);
    close();
  };
  cancel.onclick = close;
  area.onkeydown = (e) => {
    if (e.key === 'Escape') close();
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) save.click();
    e.stopPropagation();
  };
  box.append(label, area, save, cancel);
  backdrop.append(box);
  document.body.append(backdrop);
  area.focus();
}
