/**
 * Pulls items from an (async) iterable while watching an abort signal: one abort listener per stream, one
 * promise per pull, and the source's `return()` called on early exit.
 *
 * @internal
 * @module
 */

import { describeValue } from "../describe-value.ts";
import { fromThrown } from "../from-thrown.ts";
import { PipeError } from "../pipe-error.ts";
import { isResult } from "../result.ts";

/** Sentinel resolved by a pull or race interrupted by an abort. */
export const ABORTED: unique symbol = Symbol("aborted");

/** One pull: an item, the end of the source, or a fault (the source threw, or the signal aborted). */
export type Pulled<T> =
  | { readonly done: false; readonly value: T }
  | { readonly done: true; readonly fault: PipeError | undefined };

const END: Pulled<never> = Object.freeze({ done: true, fault: undefined });

/** A signal that never aborts, handed to callbacks when the caller gave none. */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

/** The canceled error for an aborted signal. */
export const canceledBy = (signal: AbortSignal | undefined): PipeError =>
  PipeError.canceled(undefined, signal?.reason);

function iteratorOf<T>(source: AsyncIterable<T> | Iterable<T>): AsyncIterator<T> | Iterator<T> {
  if (source === null || source === undefined) throw new TypeError("Stream source must be an iterable.");
  const asyncFactory = (source as AsyncIterable<T>)[Symbol.asyncIterator];
  if (typeof asyncFactory === "function") return asyncFactory.call(source);
  const syncFactory = (source as Iterable<T>)[Symbol.iterator];
  if (typeof syncFactory === "function") return syncFactory.call(source);
  throw new TypeError("Stream source must be an AsyncIterable or an Iterable.");
}

/** Reads a source item by item, racing each read (and any awaited callback) against the abort signal. */
export class Puller<T> {
  private readonly iterator: AsyncIterator<T> | Iterator<T>;
  private readonly signal: AbortSignal | undefined;
  private open = true;
  private pending: ((value: typeof ABORTED) => void) | undefined = undefined;
  private readonly onAbort: (() => void) | undefined;

  /**
   * Starts iterating `source` (throws a `TypeError` when it is not iterable). `what` names the operation in the
   * `TypeError` thrown by `pull` for an item that is not a Result.
   */
  constructor(
    source: AsyncIterable<T> | Iterable<T>,
    signal: AbortSignal | undefined,
    private readonly what: string,
  ) {
    this.iterator = iteratorOf(source);
    this.signal = signal;
    if (signal !== undefined) {
      this.onAbort = () => this.pending?.(ABORTED);
      signal.addEventListener("abort", this.onAbort, { once: true });
    } else {
      this.onAbort = undefined;
    }
  }

  /** Awaits `value`, or resolves `ABORTED` as soon as the signal aborts. */
  race<X>(value: X | PromiseLike<X>): X | typeof ABORTED | PromiseLike<X | typeof ABORTED> {
    const signal = this.signal;
    if (signal === undefined) return value;
    if (value === null || typeof (value as { then?: unknown })?.then !== "function") {
      return signal.aborted ? ABORTED : (value as X);
    }
    if (signal.aborted) {
      (value as PromiseLike<X>).then(undefined, () => {});
      return ABORTED;
    }
    return new Promise<X | typeof ABORTED>((resolve, reject) => {
      this.pending = resolve;
      (value as PromiseLike<X>).then(resolve, reject);
    }).finally(() => {
      this.pending = undefined;
    });
  }

  /** Pulls the next item; a throwing source or an abort gives a fault and leaves the source closed. */
  async pull(): Promise<Pulled<T>> {
    if (this.signal?.aborted) return this.abortFault();
    let step: IteratorResult<T> | typeof ABORTED;
    try {
      step = await this.race(this.iterator.next());
    } catch (e) {
      this.open = false;
      this.detach();
      return {
        done: true,
        fault: fromThrown(e, { signal: this.signal }),
      };
    }
    if (step === ABORTED) return this.abortFault();
    if (step.done === true) {
      this.open = false;
      this.detach();
      return END;
    }
    const value = step.value;
    // A stream of plain values is a programming error: say so instead of failing on a missing field later.
    if (!isResult(value)) {
      throw new TypeError(
        `${this.what}: the stream yielded ${describeValue(value)} where a Result was expected (wrap plain values with ok(value)).`,
      );
    }
    return { done: false, value };
  }

  /** The canceled fault; closes the source without waiting (a pending `next()` may never settle). */
  abortFault(): Pulled<T> {
    this.closeNow();
    return { done: true, fault: canceledBy(this.signal) };
  }

  /** Closes the source without waiting for its `return()`. */
  closeNow(): void {
    this.detach();
    if (!this.open) return;
    this.open = false;
    try {
      const ret = this.iterator.return?.();
      if (ret !== undefined && typeof (ret as PromiseLike<unknown>).then === "function") {
        (ret as PromiseLike<unknown>).then(undefined, () => {});
      }
    } catch {
      // the source's return() failed: nothing left to clean up
    }
  }

  /** Closes the source (awaiting its `return()`, errors ignored) and removes the abort listener. */
  async close(): Promise<void> {
    this.detach();
    if (!this.open) return;
    this.open = false;
    try {
      await this.iterator.return?.();
    } catch {
      // the source's return() failed: nothing left to clean up
    }
  }

  private detach(): void {
    if (this.onAbort !== undefined) this.signal?.removeEventListener("abort", this.onAbort);
  }
}
