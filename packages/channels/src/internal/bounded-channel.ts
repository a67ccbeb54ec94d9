import { err, type Result } from "@pipe/result";
import type { SignalOptions } from "../channel-types.ts";
import {
  canceledResult,
  channelCompletedError,
  okVoidResult,
  reportHookError,
  writtenResult,
} from "./errors.ts";
import { Mode } from "./full-mode.ts";
import { WaiterList } from "./list.ts";
import { ringPop, ringPush, ringShift } from "./ring-buffer.ts";
import { RingChannel } from "./ring-channel.ts";
import { WriteWaiter } from "./waiters.ts";

/**
 * A channel with a capacity (`Channel.createBounded`, and the channels of `after`, `ticker` and `window`): when
 * full, a write waits (mode `wait`) or a value is dropped and reported to `onDrop`.
 */
export class BoundedChannel<T> extends RingChannel<T> {
  private readonly writers: WaiterList<WriteWaiter<T>> = new WaiterList<WriteWaiter<T>>(this);

  constructor(
    private readonly capacity: number,
    private readonly mode: Mode,
    private readonly onDrop: ((value: T) => void) | undefined,
  ) {
    // The slots stay up to the capacity the caller chose: an emptied ring keeps them.
    super(Math.min(capacity, 16), Number.POSITIVE_INFINITY);
  }

  /** Moves the first blocked writer's value in, or wakes the write watchers. */
  protected refill(): void {
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
    if (this.size < this.capacity) {
      this.accept(value);
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

  write(value: T, options?: SignalOptions): Promise<Result<void>> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.resolve(canceledResult<void>(signal));
    if (this.tryWrite(value)) return writtenResult();
    if (this.closed) return Promise.resolve(err<void>(channelCompletedError()));
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
