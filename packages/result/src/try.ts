import { AsyncResult } from "./async-result.ts";
import { isPromiseLike } from "./internal/construct.ts";
import { isAbortException } from "./internal/render.ts";
import { PipeError } from "./pipe-error.ts";
import { err, ok, type Result } from "./result.ts";

/** Turns a caught exception into an error: abort → canceled, else the factory's error or `fromException`. */
export type ErrorFactory = (exception: unknown) => PipeError | undefined;

/** Options of `Result.tryAsync`. */
export interface TryAsyncOptions {
  /**
   * Passed to the function, which observes it to stop early. The result settles when the function does (never
   * while it still runs): a throw after an abort is `error.canceled`; a function that finishes anyway returns
   * its value. Already aborted: the function is not called.
   */
  readonly signal?: AbortSignal;
  /** Maps a thrown exception to an error; returning `undefined` falls back to `PipeError.fromException`. */
  readonly errorFactory?: ErrorFactory;
}

const NEVER_ABORTED: AbortSignal = new AbortController().signal;

function failureOf(
  exception: unknown,
  errorFactory: ErrorFactory | undefined,
  signal?: AbortSignal,
): PipeError {
  if (signal?.aborted) return PipeError.canceled(undefined, signal.reason);
  if (isAbortException(exception)) return PipeError.canceled(undefined, exception);
  if (errorFactory !== undefined) {
    let mapped: PipeError | undefined;
    try {
      mapped = errorFactory(exception);
    } catch (factoryFailure) {
      return PipeError.fromException(factoryFailure);
    }
    if (mapped !== undefined && mapped !== null) return mapped;
  }
  return PipeError.fromException(exception);
}

/** Runs `fn` and captures exceptions (see `Result.try`). @internal */
export function tryResult<T>(fn: () => T, errorFactory?: ErrorFactory): Result<T> {
  let value: T;
  try {
    value = fn();
  } catch (e) {
    return err(failureOf(e, errorFactory));
  }
  return ok(value);
}

/** Runs `fn(signal)` and captures exceptions and aborts (see `Result.tryAsync`). @internal */
export function tryAsync<T>(
  fn: (signal: AbortSignal) => T | PromiseLike<T>,
  options?: TryAsyncOptions,
): AsyncResult<T> {
  const signal = options?.signal;
  const errorFactory = options?.errorFactory;
  if (signal?.aborted)
    return new AsyncResult(Promise.resolve(err<T>(PipeError.canceled(undefined, signal.reason))));
  // The result settles when `fn` does, never earlier: a rollback that follows a canceled result must not race
  // the side effects `fn` is still performing. `fn` observes the signal to stop early; when it throws after an
  // abort, the failure is `error.canceled`.
  let out: T | PromiseLike<T>;
  try {
    out = fn(signal ?? NEVER_ABORTED);
  } catch (e) {
    return new AsyncResult(Promise.resolve(err<T>(failureOf(e, errorFactory, signal))));
  }
  if (!isPromiseLike(out)) return new AsyncResult(Promise.resolve(ok(out)));
  return new AsyncResult(
    Promise.resolve(out).then(
      (value) => ok(value),
      (exception: unknown) => err<T>(failureOf(exception, errorFactory, signal)),
    ),
  );
}
