/**
 * Runs one node with ComfyUI's list semantics (docs/architecture.md, "Execution"): every input is a list; a node
 * is called once per index (shorter lists repeat their last item) unless it takes whole lists; outputs are merged
 * per slot and UI dicts are merged key-wise by concatenation. A call whose inputs hold an ExecutionBlocker is not
 * made: each of its outputs is that blocker.
 */
import { blockerAmong, ExecutionBlocker } from './execution-blocker.js';
import { OutputLink, type ExpandGraph } from './expansion.js';
import { InterruptedError } from './errors.js';
import type { AnyNodeDefinition, NodeContext, NodeUi, OutputsDecl } from './node-definition.js';
import type { CachedResult } from './output-cache.js';

/** The arguments of each call: whole lists, or one item per index. */
export function callArguments(def: AnyNodeDefinition, listInputs: Record<string, readonly unknown[]>, hidden: Record<string, unknown>): Record<string, unknown>[] {
  if (def.inputIsList) return [{ ...listInputs, ...hidden }];
  const names = Object.keys(listInputs);
  const n = names.length === 0 ? 1 : Math.max(...names.map((k) => listInputs[k]!.length));
  const calls: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const args: Record<string, unknown> = { ...hidden };
    for (const k of names) {
      const list = listInputs[k]!;
      args[k] = list.length === 0 ? undefined : list[Math.min(i, list.length - 1)];
    }
    calls.push(args);
  }
  return calls;
}

/** What one call returned: slot values (or a blocker for all of them), UI output and an optional expansion. */
export interface CallResult {
  readonly values: readonly unknown[];
  readonly ui?: NodeUi;
  readonly expand?: ExpandGraph;
}

/** Makes every call; `onBlocked` sees each blocker that stopped a call and returns the one to pass on. */
export async function callNode(
  def: AnyNodeDefinition,
  ctx: NodeContext,
  calls: readonly Record<string, unknown>[],
  onBlocked: (blocker: ExecutionBlocker) => ExecutionBlocker,
): Promise<CallResult[]> {
  const decls: OutputsDecl = def.outputs;
  const results: CallResult[] = [];
  for (const args of calls) {
    if (ctx.signal.aborted) throw new InterruptedError();
    const blocker = blockerAmong(Object.values(args), def.inputIsList === true);
    if (blocker) {
      const passed = onBlocked(blocker);
      results.push({ values: decls.map(() => passed) });
      continue;
    }
    const result = await def.run(ctx, args as never);
    const values: readonly unknown[] = result?.outputs ?? [];
    if (values.length !== decls.length) {
      throw new Error(`node ${def.type} returned ${values.length} output(s), but declares ${decls.length}`);
    }
    results.push({ values, ui: result?.ui, expand: result?.expand });
  }
  return results;
}

/**
 * Merges call results into the node's stored result. `resolve` gives the output list an `OutputLink` (an
 * expansion's result) points at.
 */
export function mergeCalls(def: AnyNodeDefinition, calls: readonly CallResult[], resolve: (link: OutputLink) => readonly unknown[]): CachedResult {
  const decls: OutputsDecl = def.outputs;
  const outputs: unknown[][] = decls.map(() => []);
  let ui: NodeUi | undefined;
  for (const call of calls) {
    decls.forEach((decl, slot) => {
      const v = call.values[slot];
      if (v instanceof OutputLink) outputs[slot]!.push(...resolve(v));
      else if (v instanceof ExecutionBlocker) outputs[slot]!.push(v);
      else if (decl.isList) {
        if (!Array.isArray(v)) throw new Error(`node ${def.type} output ${slot} (${decl.type.name}) is a list output but returned ${typeof v}`);
        outputs[slot]!.push(...v);
      } else outputs[slot]!.push(v);
    });
    if (call.ui) {
      ui ??= {};
      for (const [k, v] of Object.entries(call.ui)) ui[k] = [...(ui[k] ?? []), ...v];
    }
  }
  return ui ? { outputs, ui } : { outputs };
}
