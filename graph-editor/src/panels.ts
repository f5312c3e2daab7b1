/**
 * The DOM around the canvas: toolbar (Queue with its batch count, Interrupt, Clear queue, Save, Load, Refresh, Export API, Examples menu,
 * History), the queue/history side panel, a connection/queue status line and toasts.
 */
import type { EditorApp } from './app.js';
import { refreshQueuePanel } from './history-panel.js';
import { trackPopup } from './popups.js';
import { downloadJson, workflowFromFile } from './workflow-io.js';

function button(label: string, id: string, onClick: () => unknown): HTMLButtonElement {
  const b = document.createElement('button');
  b.textContent = label;
  b.id = id;
  b.onclick = () => void Promise.resolve(onClick()).catch((e: Error) => console.warn(e));
  return b;
}

function showToast(text: string, kind: 'info' | 'error'): void {
  const toast = document.getElementById('toast')!;
  toast.textContent = text;
  toast.className = `pg-toast pg-toast-${kind}`;
  toast.hidden = false;
  clearTimeout(Number(toast.dataset.timer));
  toast.dataset.timer = String(setTimeout(() => (toast.hidden = true), kind === 'error' ? 8000 : 3000));
}

async function guarded(app: EditorApp, action: () => Promise<unknown> | unknown): Promise<void> {
  try {
    await action();
  } catch (e) {
    app.notify((e as Error).message, 'error');
  }
}

/**
 * Opens (or closes) the examples menu: one button per `GET /workflows` entry. A pick, Escape or a click outside
 * closes it (popups.ts).
 */
async function toggleExamples(app: EditorApp, menu: HTMLElement, opener: HTMLElement): Promise<void> {
  if (!menu.hidden) {
    menu.dispatchEvent(new Event('pg-close'));
    return;
  }
  const names = await app.api.workflows();
  const close = trackPopup(menu, () => (menu.hidden = true), opener);
  menu.addEventListener('pg-close', close, { once: true });
  menu.replaceChildren(...names.map((name) => button(name, `example-${name}`, () => guarded(app, async () => {
    close();
    app.loadWorkflow(await app.api.workflow(name));
    app.notify(`Loaded ${name}`);
  }))));
  if (!names.length) menu.textContent = 'No example workflows on the server.';
  menu.hidden = false;
}

/** Opens the file picker and loads the chosen workflow (`.json` or a PNG with one). */
export function pickFile(app: EditorApp): void {
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = '.json,application/json,image/png';
  input.onchange = () => {
    const file = input.files?.[0];
    if (file) void guarded(app, async () => app.loadWorkflow(await workflowFromFile(file)));
  };
  input.click();
}

const stamp = () => new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');

/** Downloads the graph as a UI workflow file. */
export function saveWorkflow(app: EditorApp): void {
  downloadJson(`workflow-${stamp()}.json`, app.serialize());
}

/** Builds the toolbar and panels and subscribes them to the app. */
export function mountPanels(app: EditorApp): void {
  const toolbar = document.getElementById('toolbar')!;
  const panel = document.getElementById('side-panel')!;
  const status = Object.assign(document.createElement('span'), { id: 'status', className: 'pg-status', textContent: 'connecting…' });
  const menu = Object.assign(document.createElement('div'), { id: 'examples-menu', className: 'pg-menu', hidden: true });
  const standIn = Object.assign(document.createElement('span'), {
    id: 'stand-in-warning', className: 'pg-warning', hidden: true,
    textContent: 'tiny random models: outputs are noise — add real models, see README',
  });
  const examples: HTMLButtonElement = button('Examples ▾', 'examples-button', () => guarded(app, () => toggleExamples(app, menu, examples)));
  const batch = Object.assign(document.createElement('input'), {
    id: 'batch-count', type: 'number', min: '1', max: '100', value: '1', title: 'Batch count: how many times Queue queues the graph',
  });
  batch.className = 'pg-batch';
  batch.oninput = () => (app.batchCount = Math.min(100, Math.max(1, Number(batch.value) || 1)));
  toolbar.append(
    button('Queue', 'queue-button', () => guarded(app, () => app.queue())),
    batch,
    button('Interrupt', 'interrupt-button', () => guarded(app, () => app.api.interrupt())),
    button('Clear queue', 'clear-queue-button', () => guarded(app, () => app.api.clearQueue())),
    button('Save', 'save-button', () => saveWorkflow(app)),
    button('Load', 'load-button', () => pickFile(app)),
    button('Refresh', 'refresh-button', () => guarded(app, async () => {
      const n = await app.refreshDefinitions();
      app.notify(`Refreshed node definitions${n ? ` (${n} list${n > 1 ? 's' : ''} changed)` : ''}`);
    })),
    button('Export API', 'export-api-button', () => guarded(app, () => downloadJson(`workflow-${stamp()}.api.json`, app.toApi()))),
    examples,
    button('Queue / History', 'history-button', () => guarded(app, async () => {
      panel.hidden = !panel.hidden;
      if (!panel.hidden) await refreshQueuePanel(app, panel);
    })),
    status,
    standIn,
    menu,
  );
  app.listen({
    onNotice: showToast,
    onStatus: ({ connected, queueRemaining, standInModels }) => {
      status.textContent = connected ? `connected · queue ${queueRemaining}` : 'reconnecting…';
      status.classList.toggle('pg-offline', !connected);
      standIn.hidden = !standInModels;
      if (!panel.hidden) void refreshQueuePanel(app, panel).catch(() => undefined);
    },
  });
}
