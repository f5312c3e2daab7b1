/**
 * The editor application: one graph on one canvas, node types from `/object_info`, the Queue → `/prompt` path, and
 * WebSocket events feeding the run state drawn on the nodes.
 */
import { createBounds, LGraph, LGraphCanvas, LiteGraph, type LGraphNode } from './litegraph.js';
import type { ApiPrompt } from '../../server/protocol/api-prompt.js';
import { uiToApi, widgetSlotOf, type ObjectInfo } from '../../server/protocol/ui-to-api.js';
import { ApiClient, type NodeErrors, type QueuePromptResult } from './api-client.js';
import { registerNodeTypes } from './node-types.js';
import { installCanvasMenus } from './canvas-menus.js';
import { ChangeTracker } from './change-tracker.js';
import { editTitle } from './title-editor.js';
import { cellAt } from './image-grid.js';
import { openLightbox } from './lightbox.js';
import { installTooltips } from './tooltips.js';
import { refreshPrimitives } from './primitive-node.js';
import { installModeDrawing, toggleMode } from './node-modes.js';
import { NodeSearch, openSearchBox, searchEntries, type LinkContext } from './node-search.js';
import { installPopupRules } from './popups.js';
import { drawRunState, fitNodeToRunState, RunState } from './run-state.js';
import { applyControls, type EditorWidget, type WidgetDeps } from './widgets.js';
import { loadAnyWorkflow, type LoadReport } from './workflow-io.js';
import { ReconnectingSocket, type WsMessage } from './ws-client.js';

/** The dropped link that litegraph's search options describe, as a {@link LinkContext}. */
function linkContext(o: { node_from?: LGraphNode; node_to?: LGraphNode; slot_from?: unknown; slot_to?: unknown }): LinkContext | undefined {
  const slotOf = (slots: Array<{ type?: unknown }>, s: unknown) => (typeof s === 'number' ? s : slots.indexOf(s as never));
  if (o.node_from) {
    const slot = slotOf(o.node_from.outputs, o.slot_from);
    const type = o.node_from.outputs[slot]?.type;
    return slot < 0 ? undefined : { node: o.node_from, slot, direction: 'from', type: String(type ?? '*') };
  }
  if (o.node_to) {
    const slot = slotOf(o.node_to.inputs, o.slot_to ?? o.slot_from);
    const type = o.node_to.inputs[slot]?.type;
    return slot < 0 ? undefined : { node: o.node_to, slot, direction: 'to', type: String(type ?? '*') };
  }
  return undefined;
}

function randomClientId(): string {
  // getRandomValues also works on plain-http LAN addresses, where crypto.randomUUID is unavailable.
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Listener for app-level changes the panels show. */
export interface AppListener {
  onStatus?(status: { connected: boolean; queueRemaining: number; standInModels: boolean }): void;
  onMessage?(msg: WsMessage): void;
  onNotice?(text: string, kind: 'info' | 'error'): void;
}

/** The editor. Create with {@link EditorApp.start}. */
export class EditorApp {
  readonly api = new ApiClient();
  readonly graph = new LGraph();
  readonly canvas: LGraphCanvas;
  readonly runState: RunState;
  readonly clientId = sessionStorage.getItem('pg-client-id') ?? randomClientId();
  objectInfo: ObjectInfo = {};
  /** `node_errors` of the last rejected prompt (empty after an accepted one). */
  lastErrors: NodeErrors = {};
  lastPromptId: string | null = null;
  /** Every WebSocket message received (bounded), for the queue panel and for tests. */
  readonly messages: WsMessage[] = [];
  connected = false;
  queueRemaining = 0;
  private socket?: ReconnectingSocket;
  private readonly listeners: AppListener[] = [];

  private constructor(canvasEl: HTMLCanvasElement) {
    sessionStorage.setItem('pg-client-id', this.clientId);
    this.canvas = new LGraphCanvas(canvasEl, this.graph);
    this.runState = new RunState(this.api, () => this.onRunStateChange());
  }

  /** Fits every node to what it shows (images, scores, previews) and redraws. */
  private onRunStateChange(): void {
    let resized = false;
    for (const node of this.graph.nodes) resized = fitNodeToRunState(node, this.runState.get(node.id)) || resized;
    this.graph.setDirtyCanvas(true, resized);
  }

  /** What widgets need from the app: the upload route and showing a chosen input image. */
  readonly widgetDeps: WidgetDeps = {
    upload: async (file) => {
      const r = await this.api.uploadImage(file);
      return r.subfolder ? `${r.subfolder}/${r.name}` : r.name;
    },
    showInputImage: (node, name) => this.runState.showInputImage(String(node.id), name),
  };

  /** Undo/redo history of the graph. */
  tracker!: ChangeTracker;

  /** Records a change for undo if the graph changed (called after user actions). */
  checkChange(): void {
    this.tracker?.check();
  }

  /** The graph as an undo state: no view, and nodes grown for their run state at their size before. */
  private undoSnapshot(): Record<string, unknown> {
    const wf = this.graph.serialize() as unknown as { extra?: Record<string, unknown>; nodes: Array<{ id: unknown; size?: unknown }> };
    if (wf.extra) delete wf.extra.ds;
    // Clicking a node brings it to the front, which reorders the list but changes nothing (ComfyUI's graphEqual
    // compares nodes as a set, too).
    wf.nodes.sort((a, b) => Number(a.id) - Number(b.id));
    for (const n of wf.nodes) {
      const base = this.runState.get(String(n.id)).baseSize;
      if (base) n.size = [...base];
    }
    return wf as unknown as Record<string, unknown>;
  }

  private restoreUndoState(state: Record<string, unknown>): void {
    this.graph.configure(state as never);
    refreshPrimitives(this.graph.nodes);
    for (const node of this.graph.nodes) {
      const s = this.runState.get(node.id);
      s.baseSize = undefined;
      this.showInputImages(node);
    }
    this.onRunStateChange();
    this.canvas.setDirty(true, true);
  }

  /** Wires undo checks to user actions, and the title double-click rename. */
  private installEditing(): void {
    this.tracker = new ChangeTracker({ snapshot: () => this.undoSnapshot(), restore: (s) => this.restoreUndoState(s) });
    // After the event has been handled (litegraph's and menus' own handlers run first). Listened for on the window
    // in the capture phase: litegraph's canvas stops the propagation of its pointerup and of some keys, so a
    // listener below the window would miss canvas releases and leave a change unrecorded until the next one, which
    // then lands in the same undo step.
    const later = () => setTimeout(() => this.checkChange(), 0);
    for (const type of ['pointerup', 'click', 'keyup'] as const) window.addEventListener(type, later, { capture: true });
    // The check after an action runs on a timer, which a busy browser may run late, after the next action has
    // begun (its input outranks timers). So each new press first records, synchronously, whatever the last action
    // changed: two actions never share an undo step, however late their checks run.
    const now = (e: Event) => {
      if (!(e as KeyboardEvent).repeat) this.checkChange();
    };
    for (const type of ['pointerdown', 'keydown'] as const) window.addEventListener(type, now, { capture: true });
    this.canvas.canvas.addEventListener('litegraph:canvas', (e: Event) => {
      const detail = (e as CustomEvent<{ subType?: string; originalEvent?: MouseEvent; node?: LGraphNode }>).detail;
      if (detail?.subType !== 'node-double-click' || !detail.node || !detail.originalEvent) return;
      const [, y] = this.canvas.convertEventToCanvasOffset(detail.originalEvent);
      if (y < detail.node.pos[1]) editTitle(this.canvas, detail.node, () => this.checkChange());
    });
  }

  /** Steps back one change. */
  undo(): boolean {
    return this.tracker.undo();
  }

  /** Steps forward one undone change. */
  redo(): boolean {
    return this.tracker.redo();
  }

  /** Fits the whole graph into the view (`.`). */
  fitView(): void {
    const bounds = createBounds(this.graph.nodes, 40);
    if (!bounds) return;
    this.canvas.ds.fitToBounds(bounds);
    this.canvas.setDirty(true, true);
  }

  /** Toggles bypass (4) or mute (2) on the selected nodes (Ctrl+B / Ctrl+M). */
  toggleSelectedMode(mode: number): void {
    toggleMode(this.canvas, mode);
    this.checkChange();
  }

  /** The search index over the registered node types (built once `/object_info` is in). */
  search?: NodeSearch;
  private lastLinkDrop?: { clientX: number; clientY: number };

  /**
   * Replaces litegraph's search box (which, opened from the link-drop menu, loses its canvas and breaks) with ours,
   * opened at the double-click or at the point where the link was dropped.
   */
  private installSearch(): void {
    this.search = new NodeSearch(searchEntries(this.objectInfo));
    this.canvas.canvas.addEventListener('litegraph:canvas', (e: Event) => {
      const detail = (e as CustomEvent<{ subType?: string; originalEvent?: MouseEvent }>).detail;
      if (detail?.subType === 'empty-release' && detail.originalEvent) {
        this.lastLinkDrop = { clientX: detail.originalEvent.clientX, clientY: detail.originalEvent.clientY };
      }
    });
    type SearchOpts = { node_from?: LGraphNode; node_to?: LGraphNode; slot_from?: unknown; slot_to?: unknown };
    this.canvas.showSearchBox = ((event: MouseEvent, o: SearchOpts = {}) => {
      const link = linkContext(o);
      const at = link && this.lastLinkDrop ? this.lastLinkDrop : event;
      return openSearchBox({
        canvas: this.canvas, index: this.search!, clientX: at.clientX, clientY: at.clientY, link,
        create: (type, pos) => this.createNode(type, pos),
      });
    }) as never;
  }

  /** Fetches `/object_info`, registers node types, opens the WebSocket and starts drawing. */
  static async start(canvasEl: HTMLCanvasElement): Promise<EditorApp> {
    const app = new EditorApp(canvasEl);
    app.objectInfo = await app.api.objectInfo();
    registerNodeTypes(app.objectInfo, {
      ...app.widgetDeps,
      drawOverlay: (node, ctx) => drawRunState(node, ctx, app.runState.get(node.id)),
      pressOverlay: (node, x, y) => {
        const s = app.runState.get(node.id);
        const at = cellAt(s.cells, x, y);
        if (at < 0) return false;
        openLightbox(s.images.filter((i) => i.complete && i.naturalWidth > 0).map((i) => i.src), at);
        return true;
      },
    });
    app.graph.onNodeAdded = (node) => app.showInputImages(node);
    LiteGraph.release_link_on_empty_shows_menu = true;
    installPopupRules();
    app.installSearch();
    installModeDrawing(app.canvas);
    app.installEditing();
    installTooltips(app.canvas, () => app.objectInfo);
    installCanvasMenus(app.canvas, {
      toggleMode: (node, mode) => {
        toggleMode(app.canvas, mode, node);
        app.checkChange();
      },
      imageOf: (node) => app.runState.get(node.id).images[0],
    });
    app.socket = new ReconnectingSocket(app.clientId, {
      onMessage: (msg) => app.onMessage(msg),
      onPreview: (p) => app.runState.setPreview(p.blob, p.nodeId),
      onText: (t) => app.runState.addText(t.nodeId, t.text),
      onConnectionChange: (c) => {
        app.connected = c;
        app.emitStatus();
      },
    });
    app.socket.open();
    void app.refreshSystemStats();
    app.graph.start();
    return app;
  }

  /** True when the server has only the tiny random stand-in models (`/system_stats` `perceptgraph.stand_in_models`). */
  standInModels = false;

  /** Reads `/system_stats` for the stand-in flag and tells the panels. */
  async refreshSystemStats(): Promise<void> {
    const stats = await this.api.systemStats().catch(() => ({}) as Record<string, unknown>);
    this.standInModels = (stats.perceptgraph as { stand_in_models?: unknown } | undefined)?.stand_in_models === true;
    this.emitStatus();
  }

  /** Subscribes a panel to status, messages and notices. */
  listen(listener: AppListener): void {
    this.listeners.push(listener);
  }

  /** Shows a message to the user (toast). */
  notify(text: string, kind: 'info' | 'error' = 'info'): void {
    for (const l of this.listeners) l.onNotice?.(text, kind);
  }

  private emitStatus(): void {
    for (const l of this.listeners) l.onStatus?.({ connected: this.connected, queueRemaining: this.queueRemaining, standInModels: this.standInModels });
  }

  private onMessage(msg: WsMessage): void {
    this.messages.push(msg);
    if (this.messages.length > 2000) this.messages.splice(0, 1000);
    if (msg.type === 'status') {
      const info = (msg.data.status as { exec_info?: { queue_remaining?: number } } | undefined)?.exec_info;
      this.queueRemaining = Number(info?.queue_remaining ?? 0);
      this.emitStatus();
    } else {
      this.runState.handle(msg.type, msg.data);
    }
    if (msg.type === 'execution_error') this.notify(`Node ${String(msg.data.node_id)} failed: ${String(msg.data.exception_message)}`, 'error');
    for (const l of this.listeners) l.onMessage?.(msg);
  }

  /** Replaces the graph with a workflow (UI or API format); unknown node types become red placeholders. */
  loadWorkflow(json: unknown): LoadReport {
    this.runState.clear();
    this.lastErrors = {};
    const report = loadAnyWorkflow(this.graph, json);
    refreshPrimitives(this.graph.nodes);
    this.restoreView(json);
    for (const node of this.graph.nodes) this.showInputImages(node);
    this.canvas.setDirty(true, true);
    this.tracker?.reset();
    if (report.missingTypes.length) this.notify(`Unknown node types (kept as placeholders): ${report.missingTypes.join(', ')}`, 'error');
    return report;
  }

  /** Loads a past run: its workflow, with its outputs (images, scores, text) shown on the nodes. */
  loadRun(workflow: unknown, outputs: Record<string, Record<string, unknown>>): LoadReport {
    const report = this.loadWorkflow(workflow);
    for (const [id, output] of Object.entries(outputs)) this.runState.setOutput(id, output);
    this.onRunStateChange();
    return report;
  }

  /**
   * Restores the saved view (`extra.ds`, as ComfyUI saves it), or a view that keeps the top row of nodes clear of
   * the toolbar.
   */
  private restoreView(json: unknown): void {
    const ds = (json as { extra?: { ds?: { scale?: unknown; offset?: unknown } } } | null)?.extra?.ds;
    const offset = Array.isArray(ds?.offset) && ds.offset.length === 2 ? (ds.offset as [number, number]) : [10, 60];
    this.canvas.ds.scale = typeof ds?.scale === 'number' && ds.scale > 0 ? ds.scale : 1;
    this.canvas.ds.offset[0] = Number(offset[0]) || 0;
    this.canvas.ds.offset[1] = Number(offset[1]) || 0;
  }

  /** Shows the images chosen in a node's upload combos (LoadImage), after loading or adding it. */
  showInputImages(node: LGraphNode): void {
    for (const w of (node.widgets ?? []) as unknown as EditorWidget[]) {
      if (w.slot?.upload && typeof w.value === 'string' && w.value) this.runState.showInputImage(String(node.id), w.value);
    }
  }

  /** Creates a node of a registered type, adds it to the graph at `pos`; undefined for an unknown type. */
  createNode(type: string, pos: [number, number] = [100, 100]): LGraphNode | undefined {
    const node = LiteGraph.createNode(type);
    if (!node) return undefined;
    node.pos = pos;
    this.graph.add(node);
    return node;
  }

  /**
   * Fetches `/object_info` again and updates every combo's choices (model lists, input images) on the nodes in
   * place, keeping the chosen values, as ComfyUI's Refresh does. Returns how many combos changed.
   */
  async refreshDefinitions(): Promise<number> {
    const info = await this.api.objectInfo();
    this.objectInfo = info;
    this.search = new NodeSearch(searchEntries(info));
    let changed = 0;
    for (const node of this.graph.nodes) {
      const def = info[node.type ?? ''];
      if (!def) continue;
      (node as { nodeDef?: unknown }).nodeDef = def;
      for (const w of (node.widgets ?? []) as unknown as EditorWidget[]) {
        if (w.slot?.kind !== 'COMBO') continue;
        const spec = def.input.required?.[w.slot.name] ?? def.input.optional?.[w.slot.name];
        const fresh = spec && widgetSlotOf(w.slot.name, spec);
        if (!fresh || fresh.choices.join('\n') === w.slot.choices.join('\n')) continue;
        w.slot = { ...w.slot, choices: fresh.choices };
        w.options.values = [...fresh.choices];
        changed++;
      }
    }
    this.canvas.setDirty(true, true);
    await this.refreshSystemStats();
    return changed;
  }

  /** The graph as a UI workflow (schema 0.4). */
  serialize(): Record<string, unknown> {
    const workflow = this.graph.serialize() as unknown as Record<string, unknown>;
    const extra = (workflow.extra ?? {}) as Record<string, unknown>;
    workflow.extra = { ...extra, ds: { scale: this.canvas.ds.scale, offset: [this.canvas.ds.offset[0], this.canvas.ds.offset[1]] } };
    return workflow;
  }

  /** The graph as an API prompt. */
  toApi(): ApiPrompt {
    return uiToApi(this.serialize(), this.objectInfo);
  }

  /**
   * Queues the graph. A rejection (400) marks the offending nodes and inputs; acceptance clears the marks and then
   * applies control-after-generate widgets (so the sent value is the one shown while it runs).
   */
  async queue(opts: { front?: boolean } = {}): Promise<QueuePromptResult> {
    const prompts = Math.max(1, Math.floor(this.batchCount));
    let result = await this.queueOnce(opts);
    // A batch count queues the graph N times; control-after-generate moves the seed between them, as in ComfyUI.
    for (let i = 1; i < prompts && result.ok; i++) result = await this.queueOnce(opts);
    return result;
  }

  /** How many times Queue queues the graph (the batch count next to the Queue button). */
  batchCount = 1;

  private async queueOnce(opts: { front?: boolean }): Promise<QueuePromptResult> {
    const workflow = this.serialize();
    const result = await this.api.queuePrompt({ prompt: uiToApi(workflow, this.objectInfo), workflow, clientId: this.clientId, front: opts.front });
    this.lastErrors = result.nodeErrors;
    this.runState.setValidationErrors(result.nodeErrors);
    if (!result.ok) {
      this.notify(`${result.error.message}${result.error.details ? `: ${result.error.details}` : ''}`, 'error');
      return result;
    }
    this.lastPromptId = result.promptId;
    const invalid = Object.keys(result.nodeErrors);
    if (invalid.length) this.notify(`Queued, but outputs depending on node(s) ${invalid.join(', ')} failed validation`, 'error');
    else this.notify(`Queued${opts.front ? ' at the front' : ''} (#${result.number})`);
    for (const node of this.graph.nodes) applyControls(node);
    this.canvas.setDirty(true, true);
    return result;
  }
}
