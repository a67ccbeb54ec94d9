/**
 * Growable power-of-two ring buffer: O(1) push/shift/pop without `Array.prototype.shift` (which copies).
 * Freed slots are cleared so values are not retained.
 *
 * The operations are free functions over {@link RingFields}, so that a bounded channel can hold the fields itself
 * (one object per value hop fewer), while prioritised channels keep one {@link RingBuffer} per lane. Both run the
 * same code.
 */

/** The state of a ring buffer. `items.length` is a power of two and `mask` is `items.length - 1`. */
export interface RingFields<T> {
  items: (T | undefined)[];
  head: number;
  mask: number;
  size: number;
}

/** Empty slots for a ring that holds `initialCapacity` values before it grows (at least 4, a power of two). */
export function ringSlots<T>(initialCapacity: number): (T | undefined)[] {
  let n = 4;
  while (n < initialCapacity) n <<= 1;
  return new Array<T | undefined>(n);
}

/** Appends `value`, doubling the slots when full. */
export function ringPush<T>(ring: RingFields<T>, value: T): void {
  if (ring.size === ring.items.length) grow(ring);
  ring.items[(ring.head + ring.size) & ring.mask] = value;
  ring.size++;
}

/** Removes and returns the oldest value; the ring must not be empty. */
export function ringShift<T>(ring: RingFields<T>): T {
  const items = ring.items;
  const value = items[ring.head] as T;
  items[ring.head] = undefined;
  ring.head = (ring.head + 1) & ring.mask;
  ring.size--;
  return value;
}

/** Removes and returns the newest value; the ring must not be empty. */
export function ringPop<T>(ring: RingFields<T>): T {
  const i = (ring.head + ring.size - 1) & ring.mask;
  const value = ring.items[i] as T;
  ring.items[i] = undefined;
  ring.size--;
  return value;
}

function grow<T>(ring: RingFields<T>): void {
  const old = ring.items;
  const n = old.length;
  const next = new Array<T | undefined>(n * 2);
  for (let i = 0; i < ring.size; i++) next[i] = old[(ring.head + i) & ring.mask];
  ring.items = next;
  ring.head = 0;
  ring.mask = n * 2 - 1;
}

/** A ring buffer as an object (one per lane of a prioritised channel). */
export class RingBuffer<T> implements RingFields<T> {
  items: (T | undefined)[];
  head = 0;
  mask: number;
  size = 0;

  constructor(initialCapacity = 16) {
    this.items = ringSlots<T>(initialCapacity);
    this.mask = this.items.length - 1;
  }

  push(value: T): void {
    ringPush(this, value);
  }

  shift(): T {
    return ringShift(this);
  }

  pop(): T {
    return ringPop(this);
  }
}
