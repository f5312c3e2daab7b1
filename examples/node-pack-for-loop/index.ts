/**
 * An example custom node pack: a for-loop built on node expansion (README, "Writing a node pack").
 *
 * `ForLoopOpen` starts an iteration and hands the loop value to the body; `ForLoopClose` takes the body's result.
 * When iterations remain, the close node expands into a copy of everything between the open node and itself,
 * with the open copy starting at the next index from the current value, and a copy of itself at the end; its
 * result is that copy's output. The engine namespaces the copies' ids, runs them and caches them like any node.
 *
 * Copy this folder into `<data dir>/custom_nodes/` to use it. Packs receive the API object instead of importing
 * the repository, so only the type import below refers to it (types are erased when the pack is loaded).
 */
import type { NodePackApi } from '../../app/node-pack-api.js';

type Wire = Readonly<Record<string, unknown>>;
interface LoopState {
  readonly open: string;
  readonly index: number;
  readonly total: number;
}

const isLink = (v: unknown): v is [string, number] => Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'number';

export default function register(api: NodePackApi) {
  const { defineNode, inputs, types, outputLink } = api;
  const FLOW = api.socketType<LoopState>('FOR_LOOP');

  const open = defineNode({
    type: 'ForLoopOpen',
    category: 'flow control',
    displayName: 'For Loop Open',
    description: 'Starts a loop of `total` iterations; `value` is the loop value handed to the body.',
    inputs: {
      required: { total: inputs.int({ default: 3, min: 1, max: 10000 }) },
      optional: { value: inputs.socket(types.ANY), index: inputs.int({ default: 0, min: 0, max: 10000, tooltip: 'set by the loop itself' }) },
      hidden: { id: 'UNIQUE_ID' },
    },
    outputs: [{ type: FLOW, name: 'flow' }, { type: types.ANY, name: 'value' }, { type: types.INT, name: 'index' }],
    run: (_ctx, { total, value, index, id }) => ({ outputs: [{ open: id, index: index ?? 0, total }, value, index ?? 0] }),
  });

  const close = defineNode({
    type: 'ForLoopClose',
    category: 'flow control',
    displayName: 'For Loop Close',
    description: 'Ends the loop body: outputs the last iteration\'s value.',
    inputs: {
      required: { flow: inputs.socket(FLOW) },
      optional: { value: inputs.socket(types.ANY) },
      hidden: { dyn: 'DYNPROMPT', id: 'UNIQUE_ID' },
    },
    outputs: [{ type: types.ANY, name: 'value' }],
    run(_ctx, { flow, value, dyn, id }) {
      if (flow.index + 1 >= flow.total) return { outputs: [value] };
      const body = loopBody(dyn, flow.open, id);
      const local = (n: string) => (n === id ? 'next' : n);
      const expand: Record<string, { class_type: string; inputs: Wire }> = {};
      for (const n of body) {
        const node = dyn.getNode(n)!;
        const copied = Object.fromEntries(Object.entries(node.inputs).map(([k, v]) => [k, isLink(v) && body.has(v[0]) ? [local(v[0]), v[1]] : v]));
        expand[local(n)] = { class_type: node.class_type, inputs: copied };
      }
      expand[flow.open] = { ...expand[flow.open]!, inputs: { ...expand[flow.open]!.inputs, index: flow.index + 1, value } };
      return { outputs: [outputLink('next', 0)], expand };
    },
  });

  return [open, close];
}

/** The nodes between `openId` and `closeId`: upstream of the close node and downstream of the open node. */
function loopBody(dyn: { getNode(id: string): { inputs: Wire } | undefined }, openId: string, closeId: string): Set<string> {
  const upstream = new Set<string>();
  const consumers = new Map<string, string[]>();
  const stack = [closeId];
  while (stack.length) {
    const n = stack.pop()!;
    if (upstream.has(n)) continue;
    upstream.add(n);
    if (n === openId) continue;
    for (const v of Object.values(dyn.getNode(n)?.inputs ?? {})) {
      if (!isLink(v)) continue;
      consumers.set(v[0], [...(consumers.get(v[0]) ?? []), n]);
      stack.push(v[0]);
    }
  }
  const body = new Set<string>([openId]);
  const down = [openId];
  while (down.length) for (const c of consumers.get(down.pop()!) ?? []) if (!body.has(c)) body.add(c) && down.push(c);
  body.add(closeId);
  return body;
}
