/**
 * Undo/redo over every graph change, the way ComfyUI's frontend does it (its ChangeTracker): after each user
 * action (pointer release, click, key release, a modal edit) the graph is serialised and compared with the last
 * state; a difference becomes an undo step. This catches every kind of change (moves, links, widget edits,
 * paste, deletes, mode toggles) without hooking each one. The view (`extra.ds`) is not part of a state, and a
 * node grown to show its run state counts at the size it had before (run-state.ts `baseSize`).
 */

/** What the tracker needs: the current state and a way to put a state back. */
export interface TrackedGraph {
  /** The graph as a comparable UI workflow (no view). */
  snapshot(): Record<string, unknown>;
  /** Replaces the graph with a state from {@link snapshot}. */
  restore(state: Record<string, unknown>): void;
}

/** How many undo steps are kept (ComfyUI keeps 50). */
export const MAX_UNDO = 50;

/** An undo/redo history of graph states. */
export class ChangeTracker {
  private readonly undoStack: string[] = [];
  private readonly redoStack: string[] = [];
  private current: string;

  constructor(private readonly graph: TrackedGraph) {
    this.current = this.take();
  }

  private take(): string {
    return JSON.stringify(this.graph.snapshot());
  }

  /** Forgets the history and takes the current graph as the start (after loading a workflow). */
  reset(): void {
    this.undoStack.length = 0;
    this.redoStack.length = 0;
    this.current = this.take();
  }

  /** Records the graph as an undo step if it changed since the last check. Returns true when it did. */
  check(): boolean {
    const now = this.take();
    if (now === this.current) return false;
    this.undoStack.push(this.current);
    if (this.undoStack.length > MAX_UNDO) this.undoStack.shift();
    this.redoStack.length = 0;
    this.current = now;
    return true;
  }

  /** Steps back one change; false when there is none. */
  undo(): boolean {
    return this.step(this.undoStack, this.redoStack);
  }

  /** Steps forward one undone change; false when there is none. */
  redo(): boolean {
    return this.step(this.redoStack, this.undoStack);
  }

  /** Sizes of the two stacks (for the UI and tests). */
  get depth(): { undo: number; redo: number } {
    return { undo: this.undoStack.length, redo: this.redoStack.length };
  }

  private step(from: string[], to: string[]): boolean {
    // A change not yet checked (e.g. a widget typed into just now) is recorded first, so it is what gets undone.
    this.check();
    const state = from.pop();
    if (state === undefined) return false;
    to.push(this.current);
    this.current = state;
    this.graph.restore(JSON.parse(state) as Record<string, unknown>);
    return true;
  }
}
