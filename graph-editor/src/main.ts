/**
 * Entry point: starts the editor, mounts the panels, wires drag-and-drop and paste of files, the shortcuts, and exposes the
 * `window.perceptgraph` hook that the browser tests drive.
 */
import '@comfyorg/litegraph/style.css';
import './style.css';
import { EditorApp } from './app.js';
import { NodeModes } from './node-modes.js';
import { mountPanels, pickFile, saveWorkflow } from './panels.js';
import { installShortcuts } from './shortcuts.js';
import { installFileDrop } from './image-drop.js';

/** The test hook on `window.perceptgraph`. */
export interface PerceptgraphHook {
  app: EditorApp;
  graph: EditorApp['graph'];
  loadWorkflow: EditorApp['loadWorkflow'];
  queue: EditorApp['queue'];
  serialize: EditorApp['serialize'];
  toApi: EditorApp['toApi'];
  readonly lastErrors: EditorApp['lastErrors'];
  ready: true;
}

declare global {
  interface Window {
    perceptgraph?: PerceptgraphHook;
  }
}

function fitCanvas(canvas: HTMLCanvasElement, app: EditorApp): void {
  const resize = () => {
    canvas.width = window.innerWidth;
    canvas.height = window.innerHeight;
    app.canvas.setDirty(true, true);
  };
  window.addEventListener('resize', resize);
  resize();
}

const DRAFT_KEY = 'perceptgraph.workflow';

/**
 * Like ComfyUI, the editor opens on the last graph the user had (kept in localStorage), or on the txt2img
 * example for a first visit, rather than on an empty canvas.
 */
async function loadInitialWorkflow(app: EditorApp): Promise<void> {
  const draft = localStorage.getItem(DRAFT_KEY);
  try {
    if (draft) return void (await app.loadWorkflow(JSON.parse(draft)));
    const names = await app.api.workflows();
    if (names.includes('txt2img')) await app.loadWorkflow(await app.api.workflow('txt2img'));
  } catch (err) {
    app.notify(`Could not restore the last workflow: ${(err as Error).message}`, 'error');
  }
}

function keepDraft(app: EditorApp): void {
  const save = () => {
    try {
      localStorage.setItem(DRAFT_KEY, JSON.stringify(app.serialize()));
    } catch {
      // Storage full or disabled: drafts are a convenience, never an error.
    }
  };
  window.addEventListener('beforeunload', save);
  setInterval(save, 5000);
}

async function main(): Promise<void> {
  const canvas = document.getElementById('graph-canvas') as HTMLCanvasElement;
  const app = await EditorApp.start(canvas);
  fitCanvas(canvas, app);
  mountPanels(app);
  installFileDrop(app);
  installShortcuts({
    queue: (front) => app.queue({ front }),
    save: () => saveWorkflow(app),
    open: () => pickFile(app),
    fitView: () => app.fitView(),
    bypass: () => app.toggleSelectedMode(NodeModes.bypass),
    mute: () => app.toggleSelectedMode(NodeModes.never),
    undo: () => app.undo(),
    redo: () => app.redo(),
  });
  await loadInitialWorkflow(app);
  keepDraft(app);
  window.perceptgraph = {
    app,
    graph: app.graph,
    loadWorkflow: (json) => app.loadWorkflow(json),
    queue: (opts) => app.queue(opts),
    serialize: () => app.serialize(),
    toApi: () => app.toApi(),
    get lastErrors() {
      return app.lastErrors;
    },
    ready: true,
  };
}

main().catch((e: Error) => {
  document.body.insertAdjacentHTML('beforeend', `<div class="pg-fatal">Could not start the editor: ${e.message}</div>`);
  console.error(e);
});
