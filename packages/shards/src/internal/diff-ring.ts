import type { ShardRecordDiff } from "../model.ts";

/**
 * The most recent diffs in position order, in a fixed-size circular buffer: `covers(after)` says whether every
 * diff after `after` up to the newest is held, and `slice` copies a range out. Positions are contiguous
 * because the view applies the change log in order. @internal
 */
export class DiffRing {
  readonly #items: (ShardRecordDiff | undefined)[];
  #start = 0;
  #count = 0;

  constructor(capacity: number) {
    this.#items = new Array(capacity);
  }

  /** Most diffs held. */
  get capacity(): number {
    return this.#items.length;
  }

  push(diff: ShardRecordDiff): void {
    const capacity = this.#items.length;
    if (capacity === 0) return;
    const newest = this.#count === 0 ? undefined : this.#at(this.#count - 1);
    if (newest !== undefined && diff.position !== newest.position + 1) {
      this.#start = 0;
      this.#count = 0;
    }
    if (this.#count < capacity) {
      this.#items[(this.#start + this.#count) % capacity] = diff;
      this.#count++;
    } else {
      this.#items[this.#start] = diff;
      this.#start = (this.#start + 1) % capacity;
    }
  }

  /** True when the ring holds every diff with position > `after` up to its newest. */
  covers(after: number): boolean {
    if (this.#count === 0) return false;
    return after >= this.#at(0).position - 1;
  }

  /** The held diffs with `after` < position <= `to`, ascending. */
  slice(after: number, to: number): ShardRecordDiff[] {
    const out: ShardRecordDiff[] = [];
    if (this.#count === 0) return out;
    const first = this.#at(0).position;
    for (let p = Math.max(after + 1, first); p <= to && p - first < this.#count; p++)
      out.push(this.#at(p - first));
    return out;
  }

  #at(i: number): ShardRecordDiff {
    const diff = this.#items[(this.#start + i) % this.#items.length];
    if (diff === undefined) throw new RangeError(`DiffRing: no diff at ${i} of ${this.#count}.`);
    return diff;
  }
}
