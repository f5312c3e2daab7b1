/**
 * ComfyUI's ExecutionBlocker: an output value that stops every node downstream of it without failing the
 * prompt. With a message, the first node it blocks reports an `execution_error` ("Execution Blocked: ...") and
 * the blocker travels on silently; without one, downstream nodes are skipped quietly. Output nodes that receive
 * one produce no UI output.
 */
export class ExecutionBlocker {
  constructor(readonly message: string | null = null) {}
}

/** The first blocker among a call's input values (for whole-list nodes, among every list item). */
export function blockerAmong(values: Iterable<unknown>, wholeLists: boolean): ExecutionBlocker | undefined {
  for (const v of values) {
    if (v instanceof ExecutionBlocker) return v;
    if (wholeLists && Array.isArray(v)) for (const item of v) if (item instanceof ExecutionBlocker) return item;
  }
  return undefined;
}

/**
 * An ExecutionBlocker for a result slot. Typed `never` so it fits a slot of any socket type; the engine
 * recognises it by class.
 */
export function blockExecution(message: string | null = null): never {
  return new ExecutionBlocker(message) as never;
}
