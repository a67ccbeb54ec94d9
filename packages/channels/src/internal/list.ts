/** A node of an intrusive doubly linked list (waiters are their own nodes: O(1) removal, no wrapper). */
export interface ListNode {
  prev: ListNode | null;
  next: ListNode | null;
  list: WaiterList<ListNode> | null;
  /** Push sequence number, set by the list (lets a notifier skip nodes pushed while it runs). */
  seq: number;
}

/**
 * What a list reports its size changes to: the channel that owns it, so its hot paths test one field
 * (`parked !== 0`) instead of the head of each of its lists.
 */
export interface ParkedCount {
  /** Waiters in all of the owner's lists. */
  parked: number;
}

/** Intrusive doubly linked list of waiters; a node belongs to at most one list at a time. */
export class WaiterList<N extends ListNode> {
  // A native private field: a back-reference that `JSON.stringify`, `Object.keys` and inspection do not follow
  // (a channel's lists point back at the channel).
  readonly #owner: ParkedCount;

  constructor(owner: ParkedCount) {
    this.#owner = owner;
  }

  head: N | null = null;
  tail: N | null = null;
  size = 0;
  /** Number of pushes so far (the next node's `seq`). */
  pushes = 0;

  push(node: N): void {
    node.seq = this.pushes++;
    node.list = this as unknown as WaiterList<ListNode>;
    node.prev = this.tail;
    node.next = null;
    if (this.tail === null) this.head = node;
    else this.tail.next = node;
    this.tail = node;
    this.size++;
    this.#owner.parked++;
  }

  shift(): N | null {
    const node = this.head;
    if (node !== null) this.remove(node);
    return node;
  }

  /** Removes `node` if it is in this list; returns whether it was. */
  remove(node: N): boolean {
    if (node.list !== (this as unknown as WaiterList<ListNode>)) return false;
    if (node.prev === null) this.head = node.next as N | null;
    else node.prev.next = node.next;
    if (node.next === null) this.tail = node.prev as N | null;
    else node.next.prev = node.prev;
    node.prev = null;
    node.next = null;
    node.list = null;
    this.size--;
    this.#owner.parked--;
    return true;
  }

  /**
   * Removes the head if it was pushed before `limit` (a `pushes` value read before notifying), so a notifier
   * that calls back into user code never visits nodes re-registered during the walk.
   */
  shiftBefore(limit: number): N | null {
    const node = this.head;
    if (node === null || node.seq >= limit) return null;
    this.remove(node);
    return node;
  }
}
