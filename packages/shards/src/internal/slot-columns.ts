import type { JsonSlot } from "./json-arena.ts";

/**
 * The JSON slots of an index's records as three integer columns (arena slab, offset, length) indexed by slot
 * number. `point(slot)` points the one view object at a slot: the arena reads and writes a slot only during the
 * call it receives it in, so one view object serves every slot. @internal
 */
export class SlotColumns implements JsonSlot {
  #slab: Int32Array<ArrayBuffer> = new Int32Array(1024).fill(-1);
  #at: Int32Array<ArrayBuffer> = new Int32Array(1024);
  #len: Int32Array<ArrayBuffer> = new Int32Array(1024);
  #slot = 0;

  /** This view, pointed at `slot` (the columns grow to hold it). */
  point(slot: number): this {
    if (slot >= this.#slab.length) {
      const size = Math.max(slot + 1, this.#slab.length * 2);
      const grow = (from: Int32Array, fill: number): Int32Array<ArrayBuffer> => {
        const to = new Int32Array(size).fill(fill);
        to.set(from);
        return to;
      };
      this.#slab = grow(this.#slab, -1);
      this.#at = grow(this.#at, 0);
      this.#len = grow(this.#len, 0);
    }
    this.#slot = slot;
    return this;
  }

  get slab(): number {
    return this.#slab[this.#slot];
  }
  set slab(v: number) {
    this.#slab[this.#slot] = v;
  }
  get at(): number {
    return this.#at[this.#slot];
  }
  set at(v: number) {
    this.#at[this.#slot] = v;
  }
  get len(): number {
    return this.#len[this.#slot];
  }
  set len(v: number) {
    this.#len[this.#slot] = v;
  }
}
