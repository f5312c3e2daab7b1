import type { AnyNodeDefinition } from './node-definition.js';

/** The set of node definitions an engine runs. Built explicitly from pack indexes; duplicate types throw. */
export class NodeRegistry {
  readonly #defs = new Map<string, AnyNodeDefinition>();

  constructor(defs: Iterable<AnyNodeDefinition> = []) {
    for (const d of defs) this.add(d);
  }

  add(def: AnyNodeDefinition): this {
    if (this.#defs.has(def.type)) throw new Error(`duplicate node type "${def.type}"`);
    this.#defs.set(def.type, def);
    return this;
  }

  addAll(defs: Iterable<AnyNodeDefinition>): this {
    for (const d of defs) this.add(d);
    return this;
  }

  get(type: string): AnyNodeDefinition | undefined {
    return this.#defs.get(type);
  }

  has(type: string): boolean {
    return this.#defs.has(type);
  }

  types(): string[] {
    return [...this.#defs.keys()];
  }

  all(): AnyNodeDefinition[] {
    return [...this.#defs.values()];
  }
}
