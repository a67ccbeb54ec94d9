import { err, fromThrown, ok, type PipeError, type Result } from "@pipe/result";
import {
  type ChannelReader,
  type ChannelWriter,
  NO_VALUE,
  type NoValue,
  type SignalOptions,
} from "../channel-types.ts";
import { ChannelIterator } from "./channel-iterator.ts";
import {
  canceledResult,
  channelCompletedError,
  okFalseResult,
  okTrueResult,
  okVoidResult,
} from "./errors.ts";
import { WaiterList } from "./list.ts";
import type { RoomCheckingWriter, WatchableReader, Watcher } from "./protocol.ts";
import { ReadinessWaiter, ReadWaiter, type Released } from "./waiters.ts";

/**
 * Shared machinery of every channel: waiting readers, readiness watchers, completion and async iteration.
 * Subclasses own the buffer(s) and blocked writers.
 */
export abstract class ChannelCore<T>
  implements ChannelReader<T>, ChannelWriter<T>, WatchableReader, RoomCheckingWriter
{
  /**
   * Waiters parked in any of this channel's lists (readers, writers, watchers), kept by the lists. While it is 0
   * (whenever no reader, writer or select is waiting on this channel), reads and writes skip every list with one
   * test.
   */
  parked = 0;
  protected readonly readers: WaiterList<ReadWaiter<T>> = new WaiterList<ReadWaiter<T>>(this);
  protected readonly readWatchers: WaiterList<Watcher> = new WaiterList<Watcher>(this);
  protected readonly writeWatchers: WaiterList<Watcher> = new WaiterList<Watcher>(this);
  /** The writer completed (no more writes). */
  protected closed = false;
  /** Completed and drained: readers see the end. */
  drained = false;
  /** The completion error as a PipeError (undefined for plain completion). */
  protected fault: PipeError | undefined = undefined;
  private rawFault: unknown = undefined;
  private completionPromise: Promise<void> | undefined = undefined;
  private completionResolve: (() => void) | undefined = undefined;
  private completionReject: ((reason: unknown) => void) | undefined = undefined;

  abstract get count(): number;
  abstract tryRead(): T | NoValue;
  abstract tryWrite(value: T): boolean;
  abstract write(value: T, options?: SignalOptions): Result<void> | Promise<Result<void>>;
  /** Fails every blocked writer with `error.channel.completed` (called once, on completion). */
  protected abstract rejectBlockedWriters(): void;
  /** Whether a write could succeed now (ignoring completion). */
  protected abstract hasRoom(lane: number): boolean;

  read(options?: SignalOptions): Result<T> | Promise<Result<T>> {
    const signal = options?.signal;
    if (signal?.aborted) return canceledResult<T>(signal);
    const value = this.tryRead();
    if (value !== NO_VALUE) return ok(value);
    if (this.drained) return err<T>(this.endError());
    const waiter = new ReadWaiter<T>(signal);
    const promise = new Promise<Result<T> | Released>((resolve) => {
      waiter.resolve = resolve;
    }) as Promise<Result<T>>;
    this.enqueueReader(waiter);
    return promise;
  }

  /** Parks a read waiter (the caller made sure nothing is buffered and the channel is not drained). */
  enqueueReader(waiter: ReadWaiter<T>): void {
    if (waiter.signal !== undefined) waiter.signal.addEventListener("abort", waiter);
    this.readers.push(waiter);
  }

  waitToRead(options?: SignalOptions): Result<boolean> | Promise<Result<boolean>> {
    const signal = options?.signal;
    if (signal?.aborted) return canceledResult<boolean>(signal);
    const now = this.readReadiness();
    if (now !== undefined) return now;
    return this.park(new ReadinessWaiter(() => this.readReadiness(), this.readWatchers, signal));
  }

  waitToWrite(
    options?: SignalOptions & { readonly priority?: number },
  ): Result<boolean> | Promise<Result<boolean>> {
    const signal = options?.signal;
    if (signal?.aborted) return canceledResult<boolean>(signal);
    const lane = this.laneOf(options?.priority);
    const now = this.writeReadiness(lane);
    if (now !== undefined) return now;
    return this.park(new ReadinessWaiter(() => this.writeReadiness(lane), this.writeWatchers, signal));
  }

  /** Validates a priority option (prioritised channels override). */
  protected laneOf(_priority: number | undefined): number {
    return 0;
  }

  private park(waiter: ReadinessWaiter): Promise<Result<boolean>> {
    const promise = new Promise<Result<boolean>>((resolve) => {
      waiter.resolve = resolve;
    });
    if (waiter.signal !== undefined) waiter.signal.addEventListener("abort", waiter);
    waiter.home.push(waiter);
    return promise;
  }

  private readReadiness(): Result<boolean> | undefined {
    if (this.count > 0) return okTrueResult();
    if (this.drained) return this.fault === undefined ? okFalseResult() : err<boolean>(this.fault);
    return undefined;
  }

  private writeReadiness(lane: number): Result<boolean> | undefined {
    if (this.closed) return this.fault === undefined ? okFalseResult() : err<boolean>(this.fault);
    return this.hasRoom(lane) ? okTrueResult() : undefined;
  }

  readAll(options?: SignalOptions): AsyncIterableIterator<T> {
    return new ChannelIterator<T>(this, options?.signal);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return new ChannelIterator<T>(this, undefined);
  }

  get completion(): Promise<void> {
    if (this.completionPromise === undefined) {
      if (this.drained) {
        this.completionPromise =
          this.fault === undefined ? Promise.resolve() : Promise.reject(this.rawFault as unknown);
      } else {
        this.completionPromise = new Promise<void>((resolve, reject) => {
          this.completionResolve = resolve;
          this.completionReject = reject;
        });
      }
    }
    return this.completionPromise;
  }

  complete(error?: unknown): Result<void> {
    return this.tryComplete(error) ? okVoidResult() : err<void>(channelCompletedError());
  }

  tryComplete(error?: unknown): boolean {
    if (this.closed) return false;
    this.closed = true;
    if (error !== undefined) {
      this.rawFault = error;
      this.fault = fromThrown(error);
    }
    this.rejectBlockedWriters();
    this.notify(this.writeWatchers);
    if (this.count === 0) this.finish();
    return true;
  }

  /** The error readers see once drained. */
  endError(): PipeError {
    return this.fault ?? channelCompletedError();
  }

  /** Marks the channel drained and settles every reader, watcher and the completion promise. */
  protected finish(): void {
    if (this.drained) return;
    this.drained = true;
    // The end Result is built only for parked readers: completing an idle channel creates (and counts) no failure.
    let r = this.readers.shift();
    if (r !== null) {
      const end = err<T>(this.endError());
      for (; r !== null; r = this.readers.shift()) r.settle(end);
    }
    this.notify(this.readWatchers);
    if (this.fault === undefined) this.completionResolve?.();
    else this.completionReject?.(this.rawFault);
    this.completionResolve = undefined;
    this.completionReject = undefined;
  }

  /** Fires (and detaches) the watchers registered before this call. */
  protected notify(list: WaiterList<Watcher>): void {
    const limit = list.pushes;
    for (let w = list.shiftBefore(limit); w !== null; w = list.shiftBefore(limit)) w.onReady();
  }

  pipeWatchRead(watcher: Watcher): void {
    this.readWatchers.push(watcher);
  }

  pipeUnwatchRead(watcher: Watcher): void {
    this.readWatchers.remove(watcher);
  }

  pipeCanWrite(): boolean {
    return (
      !this.closed &&
      ((this.parked !== 0 && this.readers.head !== null) || this.hasRoom(this.laneOf(undefined)))
    );
  }

  pipeStatus(): PipeError | null | undefined {
    if (!this.drained) return undefined;
    return this.fault ?? null;
  }
}
