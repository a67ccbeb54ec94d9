import { ok } from "@pipe/result";
import { NO_VALUE, type NoValue } from "../channel-types.ts";
import { ChannelCore } from "./channel-core.ts";
import { recordDepth } from "./diagnostics.ts";
import { type RingFields, ringPush, ringShift, ringSlots } from "./ring-buffer.ts";
import type { ReadWaiter } from "./waiters.ts";

/**
 * What the bounded and the unbounded channel share: one lane that is its own ring buffer (the
 * {@link RingFields}, one object fewer per value hop), its read path, and the step of a write that has room.
 * Subclasses decide when there is room and what a read that makes room does.
 */
export abstract class RingChannel<T> extends ChannelCore<T> implements RingFields<T> {
  /** @internal The ring buffer's slots (see ring-buffer.ts). */
  items: (T | undefined)[];
  /** @internal */
  head = 0;
  /** @internal */
  mask: number;
  /** @internal Buffered values. */
  size = 0;
  /** Writes that buffered a value: every 64th records a `channel.depth` sample (see `recordDepth`). */
  private bufferedWrites = 0;
  /** The slots a ring starts with; a ring grown past `shrinkAbove` slots returns to it once a read empties it. */
  private readonly initialCapacity: number;

  /**
   * @param shrinkAbove - slots beyond which a read that empties the ring replaces them with `initialCapacity`
   * fresh ones, so a burst's slots are released once it is drained (`Infinity`: never).
   */
  constructor(
    initialCapacity: number,
    private readonly shrinkAbove: number,
  ) {
    super();
    this.initialCapacity = initialCapacity;
    this.items = ringSlots<T>(initialCapacity);
    this.mask = this.items.length - 1;
  }

  get count(): number {
    return this.size;
  }

  tryRead(): T | NoValue {
    if (this.size === 0) return NO_VALUE;
    const value = ringShift(this);
    if (this.parked !== 0) this.refill();
    if (this.size === 0) {
      if (this.mask >= this.shrinkAbove) this.shrink();
      if (this.closed) this.finish();
    }
    return value;
  }

  /** Replaces the (empty) ring's slots with `initialCapacity` fresh ones. */
  private shrink(): void {
    this.items = ringSlots<T>(this.initialCapacity);
    this.head = 0;
    this.mask = this.items.length - 1;
  }

  /** After a read made room, with a waiter parked on this channel: lets a blocked writer or watcher in. */
  protected abstract refill(): void;

  /** A write with room: hands `value` to the first parked reader, or buffers it and wakes the read watchers. */
  protected accept(value: T): void {
    if (this.parked !== 0 && this.readers.head !== null) {
      (this.readers.shift() as ReadWaiter<T>).settle(ok(value));
      return;
    }
    ringPush(this, value);
    if ((++this.bufferedWrites & 63) === 0) recordDepth(this.size);
    if (this.parked !== 0 && this.readWatchers.head !== null) this.notify(this.readWatchers);
  }
}
