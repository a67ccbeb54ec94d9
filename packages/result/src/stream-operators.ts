import { fromThrown } from "./from-thrown.ts";
import { errWith } from "./internal/construct.ts";
import { ABORTED, canceledBy, NEVER_ABORTED, Puller } from "./internal/puller.ts";
import { PipeError } from "./pipe-error.ts";
import { isResult, prependCompensations, type Result } from "./result.ts";

/** Options shared by the stream operators and sinks. */
export interface StreamOptions {
  /** Aborting it ends the stream with one `error.canceled` item (sinks: return `error.canceled`). */
  readonly signal?: AbortSignal;
}

/** A stream of results: an async iterable (or a plain iterable). */
export type ResultStream<T> = AsyncIterable<Result<T>> | Iterable<Result<T>>;

/** The error for an exception thrown by a callback (or an abort observed through it). @internal */
export function callbackFault(exception: unknown, signal: AbortSignal | undefined): PipeError {
  return fromThrown(exception, { signal });
}

/**
 * The frame `mapStream` and `filterStream` share: one `error.canceled` item for an already-aborted signal (the
 * source is not touched); for each success, `call(value, signal)` awaited once (raced against the abort) and
 * `finish(item, settled)` giving the item to emit (`undefined`: none); a failure of the source emitted (ending the
 * stream when `failureEnds`); a fault of the source or `call` as one last item; the source's `return()` on the way
 * out. An emitted failure ends the stream. Per item it costs what a hand-written loop costs: one await, one yield.
 * `operation` names the operator in the `TypeError` for a non-Result item.
 */
async function* eachSuccess<T, S, U>(
  source: ResultStream<T>,
  options: StreamOptions | undefined,
  operation: string,
  failureEnds: boolean,
  call: (value: T, signal: AbortSignal) => S | PromiseLike<S>,
  finish: (item: Result<T>, settled: S) => Result<U> | undefined,
): AsyncGenerator<Result<U>, void, undefined> {
  const signal = options?.signal;
  if (signal?.aborted) {
    yield errWith(canceledBy(signal), []);
    return;
  }
  const puller = new Puller(source, signal, operation);
  try {
    for (;;) {
      const step = await puller.pull();
      if (step.done) {
        if (step.fault !== undefined) yield errWith(step.fault, []);
        return;
      }
      const item = step.value;
      if (item.isErr) {
        yield item as unknown as Result<U>;
        if (failureEnds) return;
        continue;
      }
      let settled: S | typeof ABORTED;
      try {
        settled = await puller.race(call(item.value, signal ?? NEVER_ABORTED));
      } catch (e) {
        yield errWith(callbackFault(e, signal), item.compensations);
        return;
      }
      if (settled === ABORTED) {
        yield errWith(canceledBy(signal), item.compensations);
        return;
      }
      const out = finish(item, settled);
      if (out === undefined) continue;
      yield out;
      if (out.isErr) return;
    }
  } finally {
    await puller.close();
  }
}

/**
 * Maps each success through `selector(value, signal)` (which returns a Result, sync or async).
 *
 * Details: the first failure (from the source or the selector) is emitted and the stream ends. An item's
 * compensations are kept on the selector's result. A source or selector that throws yields one
 * `error.exception` item and ends.
 *
 * Abort: yields one `error.canceled` item (metadata `reason`) and ends; an already-aborted signal does so
 * without touching the source. Early exit by the consumer (or an abort) calls the source's `return()`.
 *
 * Gotchas: every item must be a Result; a plain value is a programming error and the iteration rejects with a
 * `TypeError` naming the operation (wrap plain values with `ok(value)`). The same holds for every stream
 * operator and sink.
 *
 * @example
 * ```ts
 * import { mapStream, ok } from "@pipe/result";
 * async function* source() { yield ok(1); yield ok(2); }
 * for await (const r of mapStream(source(), (n) => ok(n * 10))) console.log(String(r)); // Ok(10), Ok(20)
 * ```
 */
export function mapStream<T, U>(
  source: ResultStream<T>,
  selector: (value: T, signal: AbortSignal) => Result<U> | PromiseLike<Result<U>>,
  options?: StreamOptions,
): AsyncGenerator<Result<U>, void, undefined> {
  return eachSuccess(source, options, "mapStream", true, selector, (item, next: Result<U>) =>
    prependCompensations(item.compensations, next),
  );
}

/**
 * Maps each success to an inner stream of results and flattens them in order.
 *
 * Details: the first failure (outer or inner) is emitted and the stream ends. A selector returning
 * `null`/`undefined` gives one failure "Selector returned null stream." (`error.validation`). An outer item's
 * compensations ride on the first inner item it produces (they are dropped when the inner stream is empty).
 * A throwing source, selector or inner stream yields one `error.exception` item and ends.
 *
 * Abort: yields one `error.canceled` item and ends; the outer and inner sources' `return()` are called.
 *
 * @example
 * ```ts
 * import { flatMapStream, ok } from "@pipe/result";
 * const out = flatMapStream([ok(2)], (n) => [ok(n), ok(n + 1)]); // Ok(2), Ok(3)
 * ```
 */
export async function* flatMapStream<T, U>(
  source: ResultStream<T>,
  selector: (value: T, signal: AbortSignal) => ResultStream<U> | null | undefined,
  options?: StreamOptions,
): AsyncGenerator<Result<U>, void, undefined> {
  const signal = options?.signal;
  if (signal?.aborted) {
    yield errWith(canceledBy(signal), []);
    return;
  }
  const puller = new Puller(source, signal, "flatMapStream");
  try {
    for (;;) {
      const step = await puller.pull();
      if (step.done) {
        if (step.fault !== undefined) yield errWith(step.fault, []);
        return;
      }
      const item = step.value;
      if (item.isErr) {
        yield item as unknown as Result<U>;
        return;
      }
      let inner: Puller<Result<U>>;
      try {
        const stream = selector(item.value, signal ?? NEVER_ABORTED);
        if (stream === null || stream === undefined) {
          yield errWith(
            PipeError.from("Selector returned null stream.", "error.validation"),
            item.compensations,
          );
          return;
        }
        inner = new Puller(stream, signal, "flatMapStream (a selector's stream)");
      } catch (e) {
        yield errWith(callbackFault(e, signal), item.compensations);
        return;
      }
      let pending = item.compensations;
      try {
        for (;;) {
          const innerStep = await inner.pull();
          if (innerStep.done) {
            if (innerStep.fault !== undefined) {
              yield errWith(innerStep.fault, pending);
              return;
            }
            break;
          }
          const out = isResult(innerStep.value)
            ? prependCompensations(pending, innerStep.value)
            : errWith<U>(PipeError.from("Inner stream item is not a Result.", "error.validation"), pending);
          pending = [];
          yield out;
          if (out.isErr) return;
        }
      } finally {
        await inner.close();
      }
    }
  } finally {
    await puller.close();
  }
}

/**
 * Keeps the successes that satisfy `predicate(value, signal)` (sync or async); failures pass through unchanged
 * and do not end the stream.
 *
 * Details: a dropped success's compensations are dropped with it. A throwing source or predicate yields one
 * `error.exception` item and ends.
 *
 * Abort: yields one `error.canceled` item and ends; the source's `return()` is called.
 *
 * @example
 * ```ts
 * import { filterStream, ok } from "@pipe/result";
 * const evens = filterStream([ok(1), ok(2)], (n) => n % 2 === 0); // Ok(2)
 * ```
 */
export function filterStream<T>(
  source: ResultStream<T>,
  predicate: (value: T, signal: AbortSignal) => boolean | PromiseLike<boolean>,
  options?: StreamOptions,
): AsyncGenerator<Result<T>, void, undefined> {
  return eachSuccess(source, options, "filterStream", false, predicate, (item, keep: boolean) =>
    keep ? item : undefined,
  );
}
