/** A binary min-heap over an array, exposing the raw array (ComfyUI's `/queue` lists pending items in heap order). */
export class MinHeap<T> {
  #items: T[] = [];

  /** `less(a, b)` is true when `a` must come out before `b`. */
  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.#items.length;
  }

  /** The items in heap order (a copy). */
  toArray(): T[] {
    return [...this.#items];
  }

  push(item: T): void {
    const a = this.#items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(a[i]!, a[parent]!)) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const a = this.#items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      this.#siftDown(0);
    }
    return top;
  }

  /** Removes every item matching `drop` and restores the heap property; returns the removed items. */
  removeWhere(drop: (item: T) => boolean): T[] {
    const removed = this.#items.filter(drop);
    if (removed.length === 0) return removed;
    this.#items = this.#items.filter((x) => !drop(x));
    for (let i = (this.#items.length >> 1) - 1; i >= 0; i--) this.#siftDown(i);
    return removed;
  }

  #siftDown(start: number): void {
    const a = this.#items;
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && this.less(a[l]!, a[m]!)) m = l;
      if (r < a.length && this.less(a[r]!, a[m]!)) m = r;
      if (m === i) return;
      [a[i], a[m]] = [a[m]!, a[i]!];
      i = m;
    }
  }
}
