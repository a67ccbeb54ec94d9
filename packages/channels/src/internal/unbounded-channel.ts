import { err, type Result } from "@pipe/result";
import type { SignalOptions } from "../channel-types.ts";
import { canceledResult, channelCompletedError, writtenResult } from "./errors.ts";
import { RingChannel } from "./ring-channel.ts";

/** Slots an emptied unbounded ring keeps; a larger one (grown by a burst) starts over at 16. */
const KEEP_SLOTS = 1024;

/**
 * A channel without a capacity (`Channel.createUnbounded`): every write before completion buffers at once. The
 * slots a burst grew are released when a read empties the channel.
 */
export class UnboundedChannel<T> extends RingChannel<T> {
  constructor() {
    super(16, KEEP_SLOTS);
  }

  tryWrite(value: T): boolean {
    if (this.closed) return false;
    this.accept(value);
    return true;
  }

  write(value: T, options?: SignalOptions): Promise<Result<void>> {
    const signal = options?.signal;
    if (signal?.aborted) return Promise.resolve(canceledResult<void>(signal));
    return this.tryWrite(value) ? writtenResult() : Promise.resolve(err<void>(channelCompletedError()));
  }

  /** No writer ever waits, and no write watcher stays parked (there is always room). */
  protected refill(): void {}

  protected rejectBlockedWriters(): void {}

  protected hasRoom(_lane: number): boolean {
    return true;
  }
}
