/**
 * The async iterator of a channel (`readAll()` and `for await`): reads what is buffered, parks one read waiter
 * otherwise, and ends on completion (rejecting with the completion error, if any).
 */
import type { PipeError, Result } from "@pipe/result";
import { NO_VALUE, type NoValue } from "../channel-types.ts";
import { canceledError } from "./errors.ts";
import { RELEASED, ReadWaiter, type Released } from "./waiters.ts";

const DONE: IteratorResult<never> = Object.freeze({ done: true, value: undefined }) as IteratorResult<never>;

/** What the iterator reads through: the channel base class provides it (kept structural, so this module does not import it). */
interface IterableChannel<T> {
  /** Completed and drained: readers see the end. */
  readonly drained: boolean;
  tryRead(): T | NoValue;
  /** Parks a read waiter (called only when nothing is buffered and the channel is not drained). */
  enqueueReader(waiter: ReadWaiter<T>): void;
  /** The error readers see once drained. */
  endError(): PipeError;
  /** How the channel ended: `null` completed cleanly, a `PipeError` faulted, `undefined` not drained yet. */
  pipeStatus(): PipeError | null | undefined;
}

/** Async iterator over a channel; uses `tryRead` first, parks one read waiter otherwise. */
export class ChannelIterator<T> implements AsyncIterableIterator<T> {
  private done = false;
  private pending: ReadWaiter<T> | undefined = undefined;
  constructor(
    private readonly channel: IterableChannel<T>,
    private readonly signal: AbortSignal | undefined,
  ) {}

  next(): Promise<IteratorResult<T>> {
    if (this.done) return Promise.resolve(DONE);
    const signal = this.signal;
    if (signal?.aborted) {
      this.done = true;
      return Promise.reject(canceledError(signal));
    }
    const channel = this.channel;
    const value = channel.tryRead();
    if (value !== NO_VALUE) return Promise.resolve({ value, done: false });
    if (channel.drained) return this.end(channel.pipeStatus());
    const waiter = new ReadWaiter<T>(signal);
    this.pending = waiter;
    const promise = new Promise<Result<T> | Released>((resolve) => {
      waiter.resolve = resolve;
    });
    channel.enqueueReader(waiter);
    return promise.then(this.onSettled);
  }

  private readonly onSettled = (result: Result<T> | Released): IteratorResult<T> | Promise<never> => {
    this.pending = undefined;
    if (result === RELEASED) return DONE;
    if (result.isOk) return { value: result.value as T, done: false };
    this.done = true;
    const error = result.error as PipeError;
    if (error === this.channel.endError() && this.channel.pipeStatus() === null) return DONE;
    return Promise.reject(error);
  };

  private end(status: PipeError | null | undefined): Promise<IteratorResult<T>> {
    this.done = true;
    return status ? Promise.reject(status) : Promise.resolve(DONE);
  }

  return(value?: unknown): Promise<IteratorResult<T>> {
    this.done = true;
    const pending = this.pending;
    if (pending !== undefined) {
      this.pending = undefined;
      pending.settle(RELEASED);
    }
    return Promise.resolve({ done: true, value } as IteratorResult<T>);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
