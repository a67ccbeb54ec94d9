import { err, ok, type Result } from "@pipe/result";
import { NO_VALUE, type NoValue, type SignalOptions } from "../channel-types.ts";
import { ChannelCore } from "./channel-core.ts";
import { recordDepth } from "./diagnostics.ts";
import {
  canceledResult,
  channelCompletedError,
  okVoidResult,
  reportHookError,
  writtenResult,
} from "./errors.ts";
import { Mode } from "./full-mode.ts";
import { WaiterList } from "./list.ts";
import { RingBuffer } from "./ring-buffer.ts";
import { type ReadWaiter, WriteWaiter } from "./waiters.ts";

interface Lane<T> {
  readonly buffer: RingBuffer<T>;
  readonly writers: WaiterList<WriteWaiter<T>>;
}

/**
 * N lanes behind one reader/writer; lane 0 is the highest priority. Reads pull directly from the lanes on
 * demand (no prefetch pump), so a lane's capacity is the only buffer and backpressure holds exactly.
 */
export class PrioritizedChannel<T> extends ChannelCore<T> {
  private readonly lanes: Lane<T>[] = [];
  private total = 0;

  constructor(
    levels: number,
    private readonly defaultLevel: number,
    private readonly capacity: number,
    private readonly mode: Mode,
    private readonly onDrop: ((value: T, priority: number) => void) | undefined,
  ) {
    super();
    for (let i = 0; i < levels; i++) {
      this.lanes.push({ buffer: new RingBuffer<T>(Math.min(capacity, 16)), writers: new WaiterList(this) });
    }
  }

  /** Writes that buffered a value: every 64th records a `channel.depth` sample (see `recordDepth`). */
  private bufferedWrites = 0;

  get count(): number {
    return this.total;
  }

  /** Number of buffered values in one lane. */
  countAt(priority: number): number {
    return (this.lanes[this.laneOf(priority)] as Lane<T>).buffer.size;
  }

  protected override laneOf(priority: number | undefined): number {
    if (priority === undefined) return this.defaultLevel;
    if (!Number.isInteger(priority) || priority < 0 || priority >= this.lanes.length) {
      throw new RangeError(
        `PrioritizedChannel: priority must be an integer in [0, ${this.lanes.length - 1}], got ${priority}.`,
      );
    }
    return priority;
  }

  tryRead(): T | NoValue {
    if (this.total === 0) return NO_VALUE;
    const lanes = this.lanes;
    for (let i = 0; i < lanes.length; i++) {
      const lane = lanes[i] as Lane<T>;
      if (lane.buffer.size === 0) continue;
      const value = lane.buffer.shift();
      this.total--;
      if (this.parked !== 0) this.refill(lane);
      if (this.total === 0 && this.closed) this.finish();
      return value;
    }
    return NO_VALUE;
  }

  /** After a read made room in `lane`: moves its first blocked writer's value in, or wakes the write watchers. */
  private refill(lane: Lane<T>): void {
    if (lane.writers.head !== null) {
      const w = lane.writers.shift() as WriteWaiter<T>;
      lane.buffer.push(w.value);
      this.total++;
      w.settle(okVoidResult());
    } else if (this.writeWatchers.head !== null) {
      this.notify(this.writeWatchers);
    }
  }

  tryWrite(value: T, priority?: number): boolean {
    const level = this.laneOf(priority);
    if (this.closed) return false;
    if (this.parked !== 0 && this.readers.head !== null) {
      (this.readers.shift() as ReadWaiter<T>).settle(ok(value));
      return true;
    }
    const buffer = (this.lanes[level] as Lane<T>).buffer;
    if (buffer.size < this.capacity) {
      buffer.push(value);
      this.total++;
      if ((++this.bufferedWrites & 63) === 0) recordDepth(this.total);
      if (this.parked !== 0 && this.readWatchers.head !== null) this.notify(this.readWatchers);
      return true;
    }
    if (this.mode === Mode.Wait) return false;
    let dropped: T;
    if (this.mode === Mode.DropWrite) {
      dropped = value;
    } else {
      dropped = this.mode === Mode.DropOldest ? buffer.shift() : buffer.pop();
      buffer.push(value);
    }
    if (this.onDrop !== undefined) {
      try {
        this.onDrop(dropped, level);
      } catch (error) {
        reportHookError(error);
      }
    }
    return true;
  }

  write(value: T, options?: SignalOptions & { readonly priority?: number }): Promise<Result<void>> {
    const signal = options?.signal;
    const level = this.laneOf(options?.priority);
    if (signal?.aborted) return Promise.resolve(canceledResult<void>(signal));
    if (this.tryWrite(value, level)) return writtenResult();
    if (this.closed) return Promise.resolve(err<void>(channelCompletedError()));
    const waiter = new WriteWaiter<T>(value, signal);
    const promise = new Promise<Result<void>>((resolve) => {
      waiter.resolve = resolve;
    });
    if (signal !== undefined) signal.addEventListener("abort", waiter);
    (this.lanes[level] as Lane<T>).writers.push(waiter);
    return promise;
  }

  protected rejectBlockedWriters(): void {
    let failed: Result<void> | undefined; // built for the first parked writer only, so an idle completion counts none
    for (const lane of this.lanes) {
      for (let w = lane.writers.shift(); w !== null; w = lane.writers.shift()) {
        failed ??= err<void>(channelCompletedError());
        w.settle(failed);
      }
    }
  }

  protected hasRoom(lane: number): boolean {
    return this.mode !== Mode.Wait || (this.lanes[lane] as Lane<T>).buffer.size < this.capacity;
  }
}
