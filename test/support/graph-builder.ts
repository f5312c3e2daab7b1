/** Builds API-format prompts for tests without hand-writing JSON. */
export type WireValue = unknown;

export class PromptBuilder {
  readonly prompt: Record<string, { class_type: string; inputs: Record<string, WireValue> }> = {};
  #next = 1;

  /** Adds a node and returns its id; `inputs` values that are `[id, slot]` pairs are links. */
  add(classType: string, inputs: Record<string, WireValue> = {}, id = String(this.#next++)): string {
    this.prompt[id] = { class_type: classType, inputs };
    return id;
  }

  /** A link to output `slot` of node `id`. */
  static link(id: string, slot = 0): [string, number] {
    return [id, slot];
  }

  build(): Record<string, { class_type: string; inputs: Record<string, WireValue> }> {
    return structuredClone(this.prompt);
  }
}

/** A chain of `n` CountCalls nodes ending in a StubOutput. */
export function chainPrompt(n: number): Record<string, unknown> {
  const b = new PromptBuilder();
  let prev = b.add('CountCalls', { a: 1 });
  for (let i = 1; i < n - 1; i++) prev = b.add('CountCalls', { a: 1, upstream: [prev, 0] });
  b.add('StubOutput', { value: [prev, 0] });
  return b.build();
}

/** Stacked diamonds (top → left, right → join), about `n` nodes in all, ending in a StubOutput. */
export function diamondPrompt(n: number): Record<string, unknown> {
  const b = new PromptBuilder();
  let top = b.add('CountCalls', { a: 1 });
  for (let count = 1; count + 3 < n; count += 3) {
    const left = b.add('CountCalls', { a: 1, upstream: [top, 0] });
    const right = b.add('CountCalls', { a: 2, upstream: [top, 0] });
    top = b.add('StubAdd', { a: [left, 0], b: [right, 0] });
  }
  b.add('StubOutput', { value: [top, 0] });
  return b.build();
}
