/**
 * Cache keys by input signature (docs/architecture.md, "Cache"): a node's key hashes its type and version, its
 * fingerprint, its sorted constant inputs, and for each link the key of the linked node plus the slot. Node ids
 * never enter the key (unless the node reads its own id), so the same sub-graph hits the cache under any ids.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Graph } from './graph.js';
import type { NodeRegistry } from './registry.js';
import { Slicer } from '../../models/time-sliced.js';

/** JSON with bigints and typed arrays made explicit; throws on values that can't be hashed (functions, cycles). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'function' || typeof v === 'symbol') throw new Error('unhashable');
    if (typeof v === 'number' && !Number.isFinite(v)) return `#${v}`;
    return v;
  });
}

function isNaNFingerprint(v: unknown): boolean {
  return typeof v === 'number' && Number.isNaN(v);
}

/**
 * Computes cache keys for `ids` and their ancestors, adding to `keys` (which may hold keys computed earlier in
 * the same prompt, before an expansion added nodes). Fingerprints are requested once per prompt with the constant
 * inputs only; a NaN fingerprint or an unhashable value gives a fresh random key ("don't cache"), which also
 * makes every downstream key fresh.
 */
export async function computeSignatures(
  graph: Graph,
  ids: readonly string[],
  registry: NodeRegistry,
  services: unknown,
  log: (message: string) => void = () => {},
  keys: Map<string, string> = new Map(),
): Promise<Map<string, string>> {
  const fingerprints = new Map<string, unknown>();

  // Fingerprints may be async (file hashes); gather them before the synchronous key walk.
  const reachable = new Set<string>();
  const stack = [...ids];
  while (stack.length) {
    const id = stack.pop()!;
    if (reachable.has(id) || keys.has(id)) continue; // known keys (nodes added before an expansion) stay
    reachable.add(id);
    for (const input of Object.values(graph.get(id)!.inputs)) if (input.kind === 'link' && graph.has(input.from)) stack.push(input.from);
  }
  const withFingerprint = [...reachable].filter((id) => registry.get(graph.get(id)!.classType)!.fingerprint);
  await Promise.all(
    withFingerprint.map(async (id) => {
      const node = graph.get(id)!;
      const def = registry.get(node.classType)!;
      if (!def.fingerprint) return;
      const constants: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node.inputs)) if (v.kind === 'const') constants[k] = v.value;
      try {
        fingerprints.set(id, await def.fingerprint(constants, services));
      } catch (err) {
        // A failing fingerprint must not fail the prompt (the node's own run reports the real problem), but it
        // must not pass silently either: the node simply is not cached this time.
        log(`fingerprint of ${node.classType} #${id} failed, running it uncached: ${err instanceof Error ? err.message : String(err)}`);
        fingerprints.set(id, NaN);
      }
    }),
  );

  const keyOf = (id: string): string => {
    const node = graph.get(id)!;
    const def = registry.get(node.classType)!;
    const fp = fingerprints.get(id);
    if (isNaNFingerprint(fp)) return `nocache:${randomUUID()}`;
    const parts: unknown[] = [node.classType, def.version ?? 0, fp ?? null];
    if (Object.values(def.inputs.hidden ?? {}).includes('UNIQUE_ID')) parts.push(['id', id]);
    for (const name of Object.keys(node.inputs).sort()) {
      const input = node.inputs[name]!;
      parts.push(input.kind === 'link' ? [name, 'link', keys.get(input.from) ?? null, input.slot] : [name, 'const', input.kind === 'const' ? input.value : null]);
    }
    try {
      return createHash('sha1').update(canonical(parts)).digest('base64url');
    } catch {
      return `nocache:${randomUUID()}`;
    }
  };
  // Upstream keys first (iterative post-order: a 100,000-node chain must not overflow the call stack), yielding
  // to the event loop between slices (every node of a 200k-node prompt gets a key).
  const slicer = new Slicer();
  for (const root of reachable) {
    if (keys.has(root)) continue;
    const stack: { id: string; expanded: boolean }[] = [{ id: root, expanded: false }];
    const opened = new Set<string>(); // a cycle (refused by validation) must still not loop here
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (keys.has(top.id) || (!top.expanded && opened.has(top.id))) {
        stack.pop();
        continue;
      }
      if (top.expanded) {
        stack.pop();
        keys.set(top.id, keyOf(top.id));
        if (slicer.due) await slicer.maybeYield();
        continue;
      }
      top.expanded = true;
      opened.add(top.id);
      for (const input of Object.values(graph.get(top.id)!.inputs)) {
        if (input.kind === 'link' && graph.has(input.from) && !keys.has(input.from)) stack.push({ id: input.from, expanded: false });
      }
    }
  }
  return keys;
}
