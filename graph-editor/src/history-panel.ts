/**
 * The queue/history side panel: running and pending prompts (pending ones can be deleted), then finished runs,
 * newest first, each with its start time, duration, status and first output image; each can be deleted, or the
 * whole history cleared. Clicking a finished run loads its workflow with its outputs (images, scores, text)
 * shown on the nodes, as ComfyUI's queue sidebar does.
 */
import type { EditorApp } from './app.js';
import type { FileRef, HistoryEntry } from './api-client.js';

const workflowOf = (extra: unknown) => (extra as { extra_pnginfo?: { workflow?: unknown } } | undefined)?.extra_pnginfo?.workflow;

/** Start and end (ms) of a run from its status messages (`execution_start` … `execution_success|error|interrupted`). */
export function runTimes(entry: HistoryEntry): { start?: number; end?: number } {
  const stamps = (entry.status?.messages ?? []).map(([type, data]) => ({ type, ts: typeof data?.timestamp === 'number' ? data.timestamp : undefined }));
  const start = stamps.find((m) => m.type === 'execution_start')?.ts;
  const end = [...stamps].reverse().find((m) => /^execution_(success|error|interrupted)$/.test(m.type))?.ts;
  return { start, end };
}

function firstImage(entry: HistoryEntry): FileRef | undefined {
  for (const out of Object.values(entry.outputs ?? {})) {
    const images = (out as { images?: FileRef[] }).images;
    if (Array.isArray(images) && images[0]) return images[0];
  }
  return undefined;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}): HTMLElementTagNameMap[K] {
  return Object.assign(document.createElement(tag), props);
}

function deleteButton(title: string, act: () => Promise<void>): HTMLButtonElement {
  const b = el('button', { className: 'pg-entry-delete', textContent: '×', title });
  b.onclick = (e) => {
    e.stopPropagation();
    void act();
  };
  return b;
}

function historyRow(app: EditorApp, id: string, entry: HistoryEntry, refresh: () => Promise<void>): HTMLElement {
  const row = el('div', { className: 'pg-entry pg-history-entry' });
  row.dataset.promptId = id;
  const status = entry.status?.status_str ?? 'unknown';
  row.dataset.status = status;
  const thumb = firstImage(entry);
  if (thumb) row.append(el('img', { className: 'pg-thumb', src: app.api.viewUrl(thumb), alt: '' }));
  const { start, end } = runTimes(entry);
  const time = start ? new Date(start).toLocaleTimeString() : '';
  const duration = start && end ? `${((end - start) / 1000).toFixed(end - start < 10_000 ? 2 : 1)} s` : '';
  const icon = status === 'success' ? '✔' : status === 'error' ? '✖' : '■';
  row.append(el('span', { className: 'pg-entry-text', textContent: `${icon} ${time} · ${duration} · ${status} · ${id.slice(0, 8)}` }));
  row.append(deleteButton('Delete from history', async () => {
    await app.api.editHistory([id]);
    await refresh();
  }));
  const workflow = workflowOf(entry.prompt?.[3]);
  if (workflow) {
    row.title = 'Click to load this run: its workflow with its outputs';
    row.onclick = () => {
      try {
        app.loadRun(workflow, entry.outputs ?? {});
      } catch (e) {
        app.notify((e as Error).message, 'error');
      }
    };
  }
  return row;
}

/** Fills the side panel with the running/pending queue and the latest history entries. */
export async function refreshQueuePanel(app: EditorApp, panel: HTMLElement): Promise<void> {
  const [queue, history] = await Promise.all([app.api.queue(), app.api.history(50)]);
  const refresh = () => refreshQueuePanel(app, panel);
  const running = queue.queue_running.map((q) => el('div', { className: 'pg-entry', textContent: `▶ ${q[1].slice(0, 8)} running` }));
  const pending = [...queue.queue_pending].sort((a, b) => a[0] - b[0]).map((q) => {
    const row = el('div', { className: 'pg-entry', textContent: `… ${q[1].slice(0, 8)} #${q[0]}` });
    row.append(deleteButton('Remove from the queue', async () => {
      await app.api.deleteQueued([q[1]]);
      await refresh();
    }));
    return row;
  });
  const clear = el('button', { id: 'clear-history-button', textContent: 'Clear history' });
  clear.onclick = () => void app.api.editHistory().then(refresh, (e: Error) => app.notify(e.message, 'error'));
  const done = Object.entries(history).reverse().map(([id, h]) => historyRow(app, id, h, refresh));
  panel.replaceChildren(el('h3', { textContent: 'Queue' }), ...running, ...pending, el('h3', { textContent: 'History' }), clear, ...done);
}
