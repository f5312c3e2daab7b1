/**
 * Which nodes still have to run and which of them can run now (ComfyUI's ExecutionList): a node waits on the
 * sources of its strong links (every linked input except lazy ones not yet asked for and raw links). Lazy
 * inputs and expansions add strong links while the prompt runs; a node whose waits are all met is ready.
 */
import { cycleMembers } from './graph-walk.js';

export interface ExecutionListHooks {
  /** The sources `id` must wait for before it can run (its strong links). */
  readonly strongSources: (id: string) => readonly string[];
  /** Whether `id` has a result already (ran in this prompt or came from the cache). */
  readonly available: (id: string) => boolean;
  /**
   * Called when a completed node's result is needed by no node still to complete: every node that took a strong
   * link to it has completed (ComfyUI's execution cache listeners). `--cache-none` drops the result then.
   */
  readonly released?: (id: string) => void;
}

export class ExecutionList {
  readonly #waitsOn = new Map<string, Set<string>>();
  readonly #dependents = new Map<string, Set<string>>();
  readonly #ready: string[] = [];
  #head = 0;
  /** Added and not yet complete (ready, running or waiting), in the order they were added. */
  readonly #staged = new Set<string>();
  /** Source → the nodes that took a strong link to it and have not completed. */
  readonly #holders = new Map<string, Set<string>>();
  /** Node → the sources it holds. */
  readonly #holds = new Map<string, Set<string>>();

  constructor(private readonly hooks: ExecutionListHooks) {}

  /** Adds `root` and, upstream first, every source it needs that has no result yet. */
  add(root: string): void {
    if (this.#staged.has(root) || this.hooks.available(root)) return;
    const order: string[] = [];
    const stack: { id: string; expanded: boolean }[] = [{ id: root, expanded: false }];
    const seen = new Set<string>([root]);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (top.expanded) {
        stack.pop();
        order.push(top.id);
        continue;
      }
      top.expanded = true;
      const sources = this.hooks.strongSources(top.id);
      for (let i = sources.length - 1; i >= 0; i--) {
        const s = sources[i]!;
        if (seen.has(s) || this.#staged.has(s) || this.hooks.available(s)) continue;
        seen.add(s);
        stack.push({ id: s, expanded: false });
      }
    }
    for (const id of order) this.#staged.add(id);
    for (const id of order) {
      for (const s of this.hooks.strongSources(id)) {
        this.#hold(s, id);
        this.#wait(s, id);
      }
      this.requeueIfReady(id);
    }
  }

  /** Stages `id` as ready with no waits (a cached output node that re-sends its UI output). */
  addReady(id: string): void {
    if (this.#staged.has(id)) return;
    this.#staged.add(id);
    this.#ready.push(id);
  }

  /** Makes `to` wait for `from` (adding `from` and its sources when needed). Returns whether `to` now waits. */
  addStrongLink(from: string, to: string): boolean {
    this.#hold(from, to);
    if (this.hooks.available(from)) return false;
    this.add(from);
    this.#wait(from, to);
    return true;
  }

  #hold(from: string, to: string): void {
    if (!this.hooks.released) return;
    let h = this.#holders.get(from);
    if (!h) this.#holders.set(from, (h = new Set()));
    h.add(to);
    let held = this.#holds.get(to);
    if (!held) this.#holds.set(to, (held = new Set()));
    held.add(from);
  }

  /** After `id` completed: the sources nobody holds any more, and `id` itself when nobody holds it. */
  #release(id: string): void {
    const released = this.hooks.released;
    if (!released) return;
    for (const s of this.#holds.get(id) ?? []) {
      const h = this.#holders.get(s);
      h?.delete(id);
      if (!h?.size && !this.#staged.has(s)) {
        this.#holders.delete(s);
        released(s);
      }
    }
    this.#holds.delete(id);
    if (!this.#holders.get(id)?.size) {
      this.#holders.delete(id);
      released(id);
    }
  }

  #wait(from: string, to: string): void {
    if (this.hooks.available(from) || !this.#staged.has(from)) return;
    let w = this.#waitsOn.get(to);
    if (!w) this.#waitsOn.set(to, (w = new Set()));
    w.add(from);
    let d = this.#dependents.get(from);
    if (!d) this.#dependents.set(from, (d = new Set()));
    d.add(to);
  }

  /** Queues `id` when nothing holds it back (after it was added, or went back to waiting). */
  requeueIfReady(id: string): void {
    if (this.#staged.has(id) && !(this.#waitsOn.get(id)?.size)) {
      this.#waitsOn.delete(id);
      this.#ready.push(id);
    }
  }

  /** The next ready node, or undefined. */
  nextReady(): string | undefined {
    while (this.#head < this.#ready.length) {
      const id = this.#ready[this.#head++]!;
      if (this.#head > 1024 && this.#head * 2 > this.#ready.length) {
        this.#ready.splice(0, this.#head);
        this.#head = 0;
      }
      if (this.#staged.has(id) && !(this.#waitsOn.get(id)?.size)) return id;
    }
    return undefined;
  }

  /** Marks `id` done and releases the nodes that waited for it. */
  complete(id: string): void {
    this.#staged.delete(id);
    for (const to of this.#dependents.get(id) ?? []) {
      const w = this.#waitsOn.get(to);
      if (!w) continue;
      w.delete(id);
      if (w.size === 0) this.requeueIfReady(to);
    }
    this.#dependents.delete(id);
    this.#release(id);
  }

  get isEmpty(): boolean {
    return this.#staged.size === 0;
  }

  /** Staged nodes that wait on each other in a cycle (what is left when nothing is ready or running). */
  nodesInCycle(): string[] {
    const ids = [...this.#staged];
    const position = new Map(ids.map((id, i) => [id, i]));
    const start = new Int32Array(ids.length + 1);
    const edges: number[] = [];
    ids.forEach((id, i) => {
      start[i] = edges.length;
      for (const s of this.#waitsOn.get(id) ?? []) {
        const j = position.get(s);
        if (j !== undefined) edges.push(j);
      }
    });
    start[ids.length] = edges.length;
    const members = cycleMembers({ ids, start, edges: Int32Array.from(edges) });
    return ids.filter((id) => members.has(id));
  }
}
