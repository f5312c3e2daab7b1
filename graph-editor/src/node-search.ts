/**
 * The node search box (double-click on the canvas, or "Search" after dropping a link): fuzzy matching (Fuse.js) of
 * every query word over display name, type, category and description, each result showing its description and
 * pack. Opened from a dropped link it lists only nodes that can take (or give) the link's type, and connects the
 * new node. It opens where it was asked for, and closes on a pick, Escape or a click outside (popups.ts).
 */
import Fuse from 'fuse.js';
import { LiteGraph, type LGraphCanvas, type LGraphNode } from './litegraph.js';
import type { ObjectInfo } from '../../server/protocol/ui-to-api.js';
import { packLabelOf } from '../../server/protocol/object-info.js';
import { trackPopup } from './popups.js';

/** One searchable node type. */
export interface SearchEntry {
  type: string;
  displayName: string;
  category: string;
  description: string;
  /** The pack the node comes from (`python_module`, as ComfyUI's node library shows it). */
  pack: string;
  /** Socket types of its inputs and outputs, for a dropped link's filter. */
  inputTypes: string[];
  outputTypes: string[];
}

/** A dropped link the new node should connect to: from an output (`from`) or to an input (`to`). */
export interface LinkContext {
  node: LGraphNode;
  slot: number;
  direction: 'from' | 'to';
  type: string;
}

const FRONTEND_ENTRIES: SearchEntry[] = [
  { type: 'Note', displayName: 'Note', category: 'utils', description: 'A text note on the canvas.', pack: 'editor', inputTypes: [], outputTypes: [] },
  { type: 'Reroute', displayName: 'Reroute', category: 'utils', description: 'Routes a link through a point.', pack: 'editor', inputTypes: ['*'], outputTypes: ['*'] },
  { type: 'PrimitiveNode', displayName: 'Primitive', category: 'utils', description: 'One value that drives the widget inputs it is linked to.', pack: 'editor', inputTypes: [], outputTypes: ['*'] },
];

/** The search entries of `/object_info` plus the editor's own nodes. */
export function searchEntries(info: ObjectInfo): SearchEntry[] {
  const fromServer = Object.entries(info).map(([type, d]) => ({
    type,
    displayName: d.display_name || type,
    category: d.category || '',
    description: d.description || '',
    pack: packLabelOf(d.python_module),
    inputTypes: Object.values({ ...d.input.required, ...d.input.optional }).map(([t]) => (Array.isArray(t) ? 'COMBO' : String(t))),
    outputTypes: (d.output ?? []).map(String),
  }));
  return [...fromServer, ...FRONTEND_ENTRIES.filter((e) => LiteGraph.registered_node_types[e.type])];
}

function accepts(types: string[], type: string): boolean {
  return types.some((t) => LiteGraph.isValidConnection(t, type) || LiteGraph.isValidConnection(type, t));
}

/** A fuzzy index over the entries; {@link NodeSearch.search} ranks by the mean score of every query word. */
export class NodeSearch {
  private readonly fuse: Fuse<SearchEntry>;

  constructor(readonly entries: SearchEntry[]) {
    this.fuse = new Fuse(entries, {
      keys: [
        { name: 'displayName', weight: 3 },
        { name: 'type', weight: 2 },
        { name: 'category', weight: 1 },
        { name: 'description', weight: 0.5 },
      ],
      includeScore: true,
      ignoreLocation: true,
      threshold: 0.4,
    });
  }

  /**
   * Entries matching every word of `query` (all entries for an empty query), best first; with `link`, only those
   * that can connect to it.
   */
  search(query: string, link?: Pick<LinkContext, 'direction' | 'type'>): SearchEntry[] {
    const fits = (e: SearchEntry) => !link || accepts(link.direction === 'from' ? e.inputTypes : e.outputTypes, link.type);
    const words = query.trim().split(/\s+/).filter(Boolean);
    if (!words.length) return this.entries.filter(fits).sort((a, b) => a.displayName.localeCompare(b.displayName));
    let scores: Map<number, number> | undefined;
    for (const word of words) {
      const hits = new Map(this.fuse.search(word).map((r) => [r.refIndex, r.score ?? 1]));
      scores = scores ? new Map([...scores].filter(([i]) => hits.has(i)).map(([i, s]) => [i, s + hits.get(i)!])) : hits;
    }
    return [...scores!].sort((a, b) => a[1] - b[1]).map(([i]) => this.entries[i]!).filter(fits);
  }
}

/** Where to open the box and what to do with the pick. */
export interface SearchBoxOptions {
  canvas: LGraphCanvas;
  index: NodeSearch;
  clientX: number;
  clientY: number;
  link?: LinkContext;
  /** Creates the picked node at a canvas position; returns it. */
  create(type: string, pos: [number, number]): LGraphNode | undefined;
}

function resultRow(entry: SearchEntry): HTMLElement {
  const row = document.createElement('div');
  row.className = 'pg-search-item';
  row.dataset.type = entry.type;
  const head = document.createElement('div');
  const name = Object.assign(document.createElement('span'), { className: 'pg-search-name', textContent: entry.displayName });
  const meta = Object.assign(document.createElement('span'), { className: 'pg-search-meta', textContent: ` ${entry.category} · ${entry.pack}` });
  head.append(name, meta);
  const desc = Object.assign(document.createElement('div'), { className: 'pg-search-desc', textContent: entry.description });
  row.append(head, desc);
  return row;
}

function connect(node: LGraphNode, link: LinkContext): void {
  if (link.direction === 'from') link.node.connectByType(link.slot, node, link.type);
  else link.node.connectByTypeOutput(link.slot, node, link.type);
}

/** Opens the search box; returns its element (class `pg-search`). */
export function openSearchBox(opts: SearchBoxOptions): HTMLElement {
  document.querySelector('.pg-search')?.dispatchEvent(new Event('pg-close'));
  const box = Object.assign(document.createElement('div'), { className: 'pg-search' });
  const input = Object.assign(document.createElement('input'), { type: 'text', placeholder: opts.link ? `Search nodes for ${opts.link.type}` : 'Search nodes' });
  const list = Object.assign(document.createElement('div'), { className: 'pg-search-list' });
  box.append(input, list);
  document.body.append(box);
  box.style.left = `${Math.max(0, Math.min(opts.clientX - 20, window.innerWidth - 420))}px`;
  box.style.top = `${Math.max(0, Math.min(opts.clientY - 10, window.innerHeight - 360))}px`;
  const rect = opts.canvas.canvas.getBoundingClientRect();
  const pos = opts.canvas.convertCanvasToOffset([opts.clientX - rect.left, opts.clientY - rect.top]) as [number, number];
  let results: SearchEntry[] = [];
  let selected = 0;
  const close = trackPopup(box, () => box.remove());
  box.addEventListener('pg-close', close);
  const pick = (entry: SearchEntry | undefined) => {
    close();
    if (!entry) return;
    const node = opts.create(entry.type, [pos[0], pos[1]]);
    if (node && opts.link) connect(node, opts.link);
    opts.canvas.setDirty(true, true);
  };
  const render = () => {
    results = opts.index.search(input.value, opts.link).slice(0, 30);
    selected = Math.min(selected, Math.max(0, results.length - 1));
    list.replaceChildren(...results.map((e, i) => {
      const row = resultRow(e);
      row.classList.toggle('pg-selected', i === selected);
      row.onpointerdown = (ev) => {
        ev.preventDefault();
        pick(e);
      };
      return row;
    }));
    if (!results.length) list.textContent = 'No matching nodes.';
  };
  input.addEventListener('input', () => {
    selected = 0;
    render();
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      selected = (selected + (e.key === 'ArrowDown' ? 1 : -1) + results.length) % Math.max(1, results.length);
      render();
    } else if (e.key === 'Enter') pick(results[selected]);
    else if (e.key === 'Escape') close();
    else return;
    e.preventDefault();
    e.stopPropagation();
  });
  render();
  input.focus();
  return box;
}
