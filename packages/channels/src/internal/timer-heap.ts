/** A scheduled virtual timer; `index` is its slot in the heap (-1 once removed). */
export interface VirtualTimer {
  readonly deadline: number;
  readonly seq: number;
  readonly callback: () => void;
  index: number;
}

const before = (a: VirtualTimer, b: VirtualTimer): boolean =>
  a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);

/** Indexed binary min-heap ordered by (deadline, seq): O(log n) push, pop and removal of any timer. */
export class TimerHeap {
  private readonly items: VirtualTimer[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): VirtualTimer | undefined {
    return this.items[0];
  }

  push(timer: VirtualTimer): void {
    timer.index = this.items.length;
    this.items.push(timer);
    this.up(timer.index);
  }

  pop(): VirtualTimer | undefined {
    const top = this.items[0];
    if (top !== undefined) this.removeAt(0);
    return top;
  }

  remove(timer: VirtualTimer): boolean {
    const i = timer.index;
    if (i < 0 || this.items[i] !== timer) return false;
    this.removeAt(i);
    return true;
  }

  private removeAt(i: number): void {
    const items = this.items;
    const removed = items[i] as VirtualTimer;
    const last = items.pop() as VirtualTimer;
    removed.index = -1;
    if (last !== removed) {
      items[i] = last;
      last.index = i;
      this.down(i);
      this.up(last.index);
    }
  }

  private up(i: number): void {
    const items = this.items;
    const node = items[i] as VirtualTimer;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = items[parentIndex] as VirtualTimer;
      if (!before(node, parent)) break;
      items[i] = parent;
      parent.index = i;
      i = parentIndex;
    }
    items[i] = node;
    node.index = i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const node = items[i] as VirtualTimer;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && before(items[r] as VirtualTimer, items[l] as VirtualTimer)) c = r;
      const child = items[c] as VirtualTimer;
      if (!before(child, node)) break;
      items[i] = child;
      child.index = i;
      i = c;
    }
    items[i] = node;
    node.index = i;
  }
}
