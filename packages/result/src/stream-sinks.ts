import type { Compensation } from "./compensation.ts";
import { fromThrown } from "./from-thrown.ts";
import { errWith, okWith } from "./internal/construct.ts";
import { ABORTED, canceledBy, NEVER_ABORTED, Puller } from "./internal/puller.ts";
import { PipeError } from "./pipe-error.ts";
import { Err, isResult, type Result } from "./result.ts";
import { callbackFault, type ResultStream, type StreamOptions } from "./stream-operators.ts";

/** The aggregate message of the stream sinks (Hugo's, verbatim). */
export const STREAM_FAILURES_MESSAGE = "One or more failures occurred while processing the stream.";

const STOP: unique symbol = Symbol("stop");

interface Walked {
  readonly fault: PipeError | undefined;
  readonly compensations: readonly Compensation[];
}

/** Walks the stream, calling `visit` per item (raced against the abort); `STOP` ends the walk early. */
async function walk<T>(
  what: string,
  source: ResultStream<T>,
  signal: AbortSignal | undefined,
  visit: (item: Result<T>, signal: AbortSignal) => unknown,
): Promise<Walked> {
  const compensations: Compensation[] = [];
  if (signal?.aborted) return { fault: canceledBy(signal), compensations };
  let puller: Puller<Result<T>>;
  try {
    puller = new Puller(source, signal, what);
  } catch (e) {
    return { fault: fromThrown(e, { signal }), compensations };
  }
  try {
    for (;;) {
      const step = await puller.pull();
      if (step.done) return { fault: step.fault, compensations };
      const item = step.value;
      for (const c of item.compensations) compensations.push(c);
      let out: unknown;
      try {
        out = await puller.race(visit(item, signal ?? NEVER_ABORTED));
      } catch (e) {
        return { fault: callbackFault(e, signal), compensations };
      }
      if (out === ABORTED) return { fault: canceledBy(signal), compensations };
      if (out === STOP) return { fault: undefined, compensations };
    }
  } finally {
    await puller.close();
  }
}

function frozen(list: readonly Compensation[]): readonly Compensation[] {
  return Object.freeze(list);
}

/** Propagates an existing error with the walk's compensations (not counted again). */
function propagated<T>(error: PipeError, compensations: readonly Compensation[]): Result<T> {
  return new Err<T>(error, frozen(compensations));
}

/**
 * Calls `fn(item, signal)` for every item (success or failure) until `fn` returns a failed Result.
 *
 * Details: returns `Ok` after the whole stream, or the first failure `fn` returned (same error). The returned
 * result carries the compensations of every item read (and of `fn`'s results), oldest first. A throwing source
 * or callback gives `error.exception`.
 *
 * Abort: returns `error.canceled` (already-aborted: without reading the source); the source's `return()` is called.
 *
 * @example
 * ```ts
 * import { forEach, ok } from "@pipe/result";
 * const r = await forEach([ok(1), ok(2)], (item) => { console.log(String(item)); });
 * ```
 */
export async function forEach<T>(
  source: ResultStream<T>,
  fn: (item: Result<T>, signal: AbortSignal) => Result<unknown> | void | PromiseLike<Result<unknown> | void>,
  options?: StreamOptions,
): Promise<Result<void>> {
  let failure: PipeError | undefined;
  const extra: Compensation[] = [];
  const check = (out: Result<unknown> | undefined): unknown => {
    if (!isResult(out)) return undefined;
    for (const c of out.compensations) extra.push(c);
    if (out.isErr) {
      failure = out.error;
      return STOP;
    }
    return undefined;
  };
  const walked = await walk("forEach", source, options?.signal, (item, signal) => {
    const out = fn(item, signal);
    return out !== null && typeof (out as PromiseLike<unknown>)?.then === "function"
      ? Promise.resolve(out as PromiseLike<Result<unknown> | undefined>).then(check)
      : check(out as Result<unknown> | undefined);
  });
  const compensations = extra.length === 0 ? walked.compensations : walked.compensations.concat(extra);
  if (walked.fault !== undefined) return errWith(walked.fault, frozen(compensations));
  if (failure !== undefined) return propagated(failure, compensations);
  return okWith(undefined, frozen(compensations));
}

type ErrorMode = "first" | "aggregate" | "ignore";

async function tapEach<T>(
  what: string,
  source: ResultStream<T>,
  onSuccess: ((value: T, signal: AbortSignal) => unknown) | undefined,
  onFailure: ((error: PipeError, signal: AbortSignal) => unknown) | undefined,
  mode: ErrorMode,
  options: StreamOptions | undefined,
): Promise<Result<void>> {
  const failures: PipeError[] = [];
  const walked = await walk(what, source, options?.signal, (item, signal) => {
    if (item.isOk) return onSuccess?.(item.value, signal);
    failures.push(item.error);
    return onFailure?.(item.error, signal);
  });
  const compensations = walked.compensations;
  if (walked.fault !== undefined) {
    if (mode === "ignore" || failures.length === 0) return errWith(walked.fault, frozen(compensations));
    failures.push(walked.fault);
  } else if (mode === "ignore" || failures.length === 0) {
    return okWith(undefined, frozen(compensations));
  }
  if (mode === "aggregate" && failures.length > 1) {
    return errWith(PipeError.aggregate(STREAM_FAILURES_MESSAGE, failures), frozen(compensations));
  }
  return propagated(failures[0] as PipeError, compensations);
}

/**
 * Walks the whole stream calling `fn(value, signal)` for each success; returns `Ok`, or the first failure seen.
 *
 * Details: failures do not stop the walk. A throwing source or callback ends it with `error.exception`, which
 * is returned when no item failed before. The result carries every item's compensations.
 *
 * Abort: ends the walk with `error.canceled` (returned when no item failed before); the source's `return()` is called.
 *
 * @example
 * ```ts
 * import { ok, tapSuccessEach } from "@pipe/result";
 * await tapSuccessEach([ok(1), ok(2)], (n) => console.log(n)); // Ok(undefined)
 * ```
 */
export function tapSuccessEach<T>(
  source: ResultStream<T>,
  fn: (value: T, signal: AbortSignal) => unknown,
  options?: StreamOptions,
): Promise<Result<void>> {
  return tapEach("tapSuccessEach", source, fn, undefined, "first", options);
}

/**
 * Like {@link tapSuccessEach}, but returns the single failure, or an `error.aggregate` "One or more failures
 * occurred while processing the stream." with every failure (a fault included) as children.
 *
 * @example
 * ```ts
 * import { err, ok, PipeError, tapSuccessEachAggregateErrors } from "@pipe/result";
 * await tapSuccessEachAggregateErrors([err(PipeError.from("a")), ok(1), err(PipeError.from("b"))], () => {});
 * ```
 */
export function tapSuccessEachAggregateErrors<T>(
  source: ResultStream<T>,
  fn: (value: T, signal: AbortSignal) => unknown,
  options?: StreamOptions,
): Promise<Result<void>> {
  return tapEach("tapSuccessEachAggregateErrors", source, fn, undefined, "aggregate", options);
}

/**
 * Like {@link tapSuccessEach}, but item failures are ignored: returns `Ok` unless the walk itself faulted
 * (throwing source or callback: `error.exception`; abort: `error.canceled`).
 *
 * @example
 * ```ts
 * import { err, ok, PipeError, tapSuccessEachIgnoreErrors } from "@pipe/result";
 * await tapSuccessEachIgnoreErrors([err(PipeError.from("a")), ok(1)], (n) => console.log(n)); // Ok
 * ```
 */
export function tapSuccessEachIgnoreErrors<T>(
  source: ResultStream<T>,
  fn: (value: T, signal: AbortSignal) => unknown,
  options?: StreamOptions,
): Promise<Result<void>> {
  return tapEach("tapSuccessEachIgnoreErrors", source, fn, undefined, "ignore", options);
}

/**
 * Walks the whole stream calling `fn(error, signal)` for each failure; returns `Ok`, or the first failure.
 *
 * Details and abort: as {@link tapSuccessEach}.
 *
 * @example
 * ```ts
 * import { err, PipeError, tapFailureEach } from "@pipe/result";
 * await tapFailureEach([err(PipeError.from("a"))], (e) => console.error(e.message)); // Err(a)
 * ```
 */
export function tapFailureEach<T>(
  source: ResultStream<T>,
  fn: (error: PipeError, signal: AbortSignal) => unknown,
  options?: StreamOptions,
): Promise<Result<void>> {
  return tapEach("tapFailureEach", source, undefined, fn, "first", options);
}

/**
 * Like {@link tapFailureEach}, but returns the single failure or an `error.aggregate` of all of them.
 *
 * @example
 * ```ts
 * import { err, PipeError, tapFailureEachAggregateErrors } from "@pipe/result";
 * await tapFailureEachAggregateErrors([err(PipeError.from("a")), err(PipeError.from("b"))], () => {});
 * ```
 */
export function tapFailureEachAggregateErrors<T>(
  source: ResultStream<T>,
  fn: (error: PipeError, signal: AbortSignal) => unknown,
  options?: StreamOptions,
): Promise<Result<void>> {
  return tapEach("tapFailureEachAggregateErrors", source, undefined, fn, "aggregate", options);
}

/**
 * Like {@link tapFailureEach}, but returns `Ok` unless the walk itself faulted (exception or abort).
 *
 * @example
 * ```ts
 * import { err, PipeError, tapFailureEachIgnoreErrors } from "@pipe/result";
 * await tapFailureEachIgnoreErrors([err(PipeError.from("a"))], (e) => console.error(e.message)); // Ok
 * ```
 */
export function tapFailureEachIgnoreErrors<T>(
  source: ResultStream<T>,
  fn: (error: PipeError, signal: AbortSignal) => unknown,
  options?: StreamOptions,
): Promise<Result<void>> {
  return tapEach("tapFailureEachIgnoreErrors", source, undefined, fn, "ignore", options);
}

/**
 * Reads the whole stream: all values, or the single failure, or an `error.aggregate` "One or more failures
 * occurred while processing the stream." (a fault — throwing source, abort — counts as one more failure).
 *
 * Abort: stops reading; `error.canceled` is returned (or included in the aggregate). The result carries every
 * item's compensations.
 *
 * @example
 * ```ts
 * import { collectErrors, ok } from "@pipe/result";
 * const r = await collectErrors([ok(1), ok(2)]); // Ok([1, 2])
 * ```
 */
export async function collectErrors<T>(
  source: ResultStream<T>,
  options?: StreamOptions,
): Promise<Result<T[]>> {
  const values: T[] = [];
  const failures: PipeError[] = [];
  const walked = await walk("collectErrors", source, options?.signal, (item) => {
    if (item.isOk) values.push(item.value);
    else failures.push(item.error);
    return undefined;
  });
  const compensations = frozen(walked.compensations);
  if (walked.fault !== undefined) {
    if (failures.length === 0) return errWith(walked.fault, compensations);
    failures.push(walked.fault);
  }
  if (failures.length === 0) return okWith(values, compensations);
  if (failures.length === 1) return propagated(failures[0] as PipeError, compensations);
  return errWith(PipeError.aggregate(STREAM_FAILURES_MESSAGE, failures), compensations);
}
