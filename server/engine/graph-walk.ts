/**
 * Iterative graph walks over links (no recursion: a 100,000-node chain must not overflow the JS call stack).
 * Large prompts are walked in integer space (`LinkIndex`) so validation stays linear with small constants.
 */
import type { Graph } from './graph.js';

/** The ids of linked inputs of `id` that name nodes present in `graph`, in input-name order. */
export function linkedSources(graph: Graph, id: string): string[] {
  const node = graph.get(id);
  if (!node) return [];
  const out: string[] = [];
  for (const name of Object.keys(node.inputs)) {
    const input = node.inputs[name]!;
    if (input.kind === 'link' && graph.has(input.from)) out.push(input.from);
  }
  return out;
}

/** Every node reachable upstream from `roots` (roots included), in discovery order. */
export function upstreamOf(graph: Graph, roots: Iterable<string>, follow: (id: string) => readonly string[] = (id) => linkedSources(graph, id)): string[] {
  const seen = new Set<string>();
  const order: string[] = [];
  const stack = [...roots];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    order.push(id);
    for (const up of follow(id)) if (!seen.has(up)) stack.push(up);
  }
  return order;
}

/** The links among a set of nodes as integers: node `i` is `ids[i]`; its sources are `edges[start[i]..start[i+1]]`. */
export interface LinkIndex {
  readonly ids: readonly string[];
  readonly start: Int32Array;
  readonly edges: Int32Array;
}

/** Indexes the links among `ids` (links leaving the set are dropped). */
export function indexLinks(graph: Graph, ids: readonly string[]): LinkIndex {
  const position = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) position.set(ids[i]!, i);
  const start = new Int32Array(ids.length + 1);
  const edges: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    start[i] = edges.length;
    const inputs = graph.get(ids[i]!)!.inputs;
    for (const name of Object.keys(inputs)) {
      const input = inputs[name]!;
      if (input.kind !== 'link') continue;
      const j = position.get(input.from);
      if (j !== undefined) edges.push(j);
    }
  }
  start[ids.length] = edges.length;
  return { ids, start, edges: Int32Array.from(edges) };
}

/**
 * Nodes on a dependency cycle (Tarjan's strongly connected components, iterative over integers): members of a
 * component of two or more nodes, or of one node linked to itself.
 */
export function cycleMembers(links: LinkIndex): Set<string> {
  const n = links.ids.length;
  const { start, edges } = links;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const scc = new Int32Array(n);
  const work = new Int32Array(n); // DFS stack of nodes
  const cursor = new Int32Array(n); // next edge to look at, per node
  const onCycle = new Set<string>();
  let sp = 0;
  let next = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    let wp = 0;
    const open = (v: number) => {
      index[v] = low[v] = next++;
      scc[sp++] = v;
      onStack[v] = 1;
      cursor[v] = start[v]!;
      work[wp++] = v;
    };
    open(root);
    while (wp > 0) {
      const v = work[wp - 1]!;
      if (cursor[v]! < start[v + 1]!) {
        const to = edges[cursor[v]!++]!;
        if (index[to] === -1) open(to);
        else if (onStack[to]) low[v] = Math.min(low[v]!, index[to]!);
        continue;
      }
      wp--;
      if (wp > 0) {
        const parent = work[wp - 1]!;
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] !== index[v]) continue;
      let size = 0;
      let selfLoop = false;
      for (let e = start[v]!; e < start[v + 1]!; e++) if (edges[e] === v) selfLoop = true;
      const first = sp;
      let m: number;
      do {
        m = scc[--sp]!;
        onStack[m] = 0;
        size++;
      } while (m !== v);
      if (size > 1 || selfLoop) for (let k = sp; k < first; k++) onCycle.add(links.ids[scc[k]!]!);
    }
  }
  return onCycle;
}
