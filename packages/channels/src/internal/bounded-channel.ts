import { err, ok, type Result } from "@pipe/result";
import { type FullMode, NO_VALUE, type NoValue, type SignalOptions } from "../channel-types.ts";
import { ChannelCore, type ReadWaiter, WriteWaiter } from "./channel-core.ts";
import { recordDepth } from "./diagnostics.ts";
import { canceledResult, channelCompletedError, okVoidResult, reportHookError } from "./errors.ts";
import { WaiterList } from "./list.ts";
import { type RingFields, ringPop, ringPush, ringShift, ringSlots } from "./ring-buffer.ts";

/** Full modes as small integers for the hot path. */
export type Mode = 0 | 1 | 2 | 3;
export const Mode = { Wait: 0, DropOldest: 1, DropNewest: 2, DropWrite: 3 } as const;

export function modeOf(fullMode: FullMode | undefined): Mode {
  switch (fullMode ?? "wait") {
    case "wait":
      return Mode.Wait;
    case "dropOldest":
      return Mode.DropOldest;
    case "dropNewest":
      return Mode.DropNewest;
    case "dropWrite":
      return Mode.DropWrite;
    default:
      throw new TypeError(`Channel: unknown fullMode ${JSON.stringify(fullMode)}.`);
  }
}

/**
 * A single-lane channel: bounded (`capacity` finite) or unbounded (`capacity` Infinity). It is its own ring
 * buffer (the {@link RingFields}), which saves a hop per value.
 */
export class BoundedChannel<T> extends ChannelCore<T> implements RingFields<T> {
  /** @internal The ring buffer's slots (see ring-buffer.ts). */
  items: (T | undefined)[];
  /** @internal */
  head = 0;
  /** @internal */
  mask: number;
  /** @internal Buffered values. */
  size = 0;
  private readonly writers: WaiterList<WriteWaiter<T>> = new WaiterList<WriteWaiter<T>>(this);

  constructor(
    private readonly capacity: number,
    private readonly mode: Mode,
    private readonly onDrop: ((value: T) => void) | undefined,
  ) {
    super();
    this.items = ringSlots<T>(Math.min(capacity, 16));
    this.mask = this.items.length - 1;
  }

  /** Writes that buffered a value: every 64th records a `channel.depth` sample (see `recordDepth`). */
  private bufferedWrites = 0;

  get count(): number {
    return this.size;
  }

  tryRead(): T | NoValue {
    if (this.size === 0) return NO_VALUE;
    const value = ringShift(this);
    if (this.parked !== 0) this.refill();
    if (this.size === 0 && this.closed) this.finish();
    return value;
  }

  /** After a read made room: moves the first blocked writer's value in, or wakes the write watchers. */
  private refill(): void {
    if (this.writers.head !== null) {
      const w = this.writers.shift() as WriteWaiter<T>;
      ringPush(this, w.value);
      w.settle(okVoidResult());
    } else if (this.writeWatchers.head !== null) {
      this.notify(this.writeWatchers);
    }
  }

  tryWrite(value: T): boolean {
    if (this.closed) return false;
    if (this.parked !== 0 && this.readers.head !== null) {
      (this.readers.shift() as ReadWaiter<T>).settle(ok(value));
      return true;
    }
    if (this.size < this.capacity) {
      ringPush(this, value);
      if ((++this.bufferedWrites & 63) === 0) recordDepth(this.size);
      if (this.parked !== 0 && this.readWatchers.head !== null) this.notify(this.readWatchers);
      return true;
    }
    if (this.mode === Mode.Wait) return false;
    let dropped: T;
    if (this.mode === Mode.DropWrite) {
      dropped = value;
    } else {
      dropped = this.mode === Mode.DropOldest ? ringShift(this) : ringPop(this);
      ringPush(this, value);
    }
    if (this.onDrop !== undefined) {
      try {
        this.onDrop(dropped);
      } catch (error) {
        reportHookError(error);
      }
    }
    return true;
  }

  write(value: T, options?: SignalOptions): Result<void> | Promise<Result<void>> {
    const signal = options?.signal;
    if (signal?.aborted) return canceledResult<void>(signal);
    if (this.tryWrite(value)) return okVoidResult();
    if (this.closed) return err<void>(channelCompletedError());
    const waiter = new WriteWaiter<T>(value, signal);
    const promise = new Promise<Result<void>>((resolve) => {
      waiter.resolve = resolve;
    });
    if (signal !== undefined) signal.addEventListener("abort", waiter);
    this.writers.push(waiter);
    return promise;
  }

  protected rejectBlockedWriters(): void {
    let w = this.writers.shift();
    if (w === null) return; // no parked writer: no failure to create (or count)
    const failed = err<void>(channelCompletedError());
    for (; w !== null; w = this.writers.shift()) w.settle(failed);
  }

  protected hasRoom(_lane: number): boolean {
    return this.mode !== Mode.Wait || this.size < this.capacity;
  }
}
