/**
 * Runs one node with ComfyUI's list semantics (docs/architecture.md, "Execution"): every input is a list; a node is called once per index
 * (shorter lists repeat their last item) unless it takes whole lists; outputs are merged per slot and UI dicts
 * are merged key-wise by concatenation.
 */
import { InterruptedError } from './errors.js';
import type { AnyNodeDefinition, NodeContext, NodeUi, OutputsDecl } from './node-definition.js';
import type { CachedResult } from './output-cache.js';

/** Calls `def.run` for each list index and merges the results. */
export async function runNodeLists(
  def: AnyNodeDefinition,
  ctx: NodeContext,
  listInputs: Record<string, readonly unknown[]>,
  hidden: Record<string, unknown>,
): Promise<CachedResult> {
  const names = Object.keys(listInputs);
  const calls: Record<string, unknown>[] = [];
  if (def.inputIsList) calls.push({ ...listInputs, ...hidden });
  else {
    const n = names.length === 0 ? 1 : Math.max(...names.map((k) => listInputs[k]!.length));
    for (let i = 0; i < n; i++) {
      const args: Record<string, unknown> = { ...hidden };
      for (const k of names) {
        const list = listInputs[k]!;
        args[k] = list.length === 0 ? undefined : list[Math.min(i, list.length - 1)];
      }
      calls.push(args);
    }
  }
  const decls: OutputsDecl = def.outputs;
  const outputs: unknown[][] = decls.map(() => []);
  let ui: NodeUi | undefined;
  for (const args of calls) {
    if (ctx.signal.aborted) throw new InterruptedError();
    const result = await def.run(ctx, args as never);
    const values: readonly unknown[] = result?.outputs ?? [];
    if (values.length !== decls.length) {
      throw new Error(`node ${def.type} returned ${values.length} output(s), but declares ${decls.length}`);
    }
    decls.forEach((decl, slot) => {
      const v = values[slot];
      if (decl.isList) {
        if (!Array.isArray(v)) throw new Error(`node ${def.type} output ${slot} (${decl.type.name}) is a list output but returned ${typeof v}`);
        outputs[slot]!.push(...v);
      } else outputs[slot]!.push(v);
    });
    if (result?.ui) {
      ui ??= {};
      for (const [k, v] of Object.entries(result.ui)) ui[k] = [...(ui[k] ?? []), ...v];
    }
  }
  return ui ? { outputs, ui } : { outputs };
}
