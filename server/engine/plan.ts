/**
 * Execution order: pulled from the output nodes, upstream first (post-order DFS). Nodes whose result is cached
 * end the walk, so their ancestors are not scheduled at all.
 */
import type { Graph } from './graph.js';

/** Topological order of the nodes that must run to produce `outputs`; `isCached(id)` prunes the walk. */
export function planExecution(graph: Graph, outputs: readonly string[], isCached: (id: string) => boolean): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  // Explicit stack: a 10,000-node chain must not overflow the JS call stack.
  for (const root of outputs) {
    const stack: { id: string; expanded: boolean }[] = [{ id: root, expanded: false }];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (top.expanded) {
        stack.pop();
        if (!seen.has(top.id)) {
          seen.add(top.id);
          order.push(top.id);
        }
        continue;
      }
      top.expanded = true;
      if (seen.has(top.id)) {
        stack.pop();
        continue;
      }
      if (isCached(top.id)) {
        // Cached output nodes are still staged so their UI output is re-sent; cached inner nodes are skipped.
        stack.pop();
        seen.add(top.id);
        if (outputs.includes(top.id)) order.push(top.id);
        continue;
      }
      const inputs = Object.keys(graph.get(top.id)!.inputs).sort();
      for (let i = inputs.length - 1; i >= 0; i--) {
        const input = graph.get(top.id)!.inputs[inputs[i]!]!;
        if (input.kind === 'link' && !seen.has(input.from)) stack.push({ id: input.from, expanded: false });
      }
    }
  }
  return order;
}
