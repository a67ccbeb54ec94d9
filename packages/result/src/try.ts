import { AsyncResult } from "./async-result.ts";
import { type ErrorFactory, fromThrown } from "./from-thrown.ts";
import { isThenable } from "./is-thenable.ts";
import { PipeError } from "./pipe-error.ts";
import { err, ok, type Result } from "./result.ts";

export type { ErrorFactory } from "./from-thrown.ts";

/** Options of `Result.tryAsync`. */
export interface TryAsyncOptions {
  /**
   * Passed to the function, which observes it to stop early. The result settles when the function does (never
   * while it still runs): a throw after an abort is `error.canceled` (see `fromThrown`); a function that finishes
   * anyway returns its value. Already aborted: the function is not called.
   */
  readonly signal?: AbortSignal;
  /** Maps a thrown exception to an error; returning `undefined` falls back to `PipeError.fromException`. */
  readonly errorFactory?: ErrorFactory;
}

const NEVER_ABORTED: AbortSignal = new AbortController().signal;

/** Runs `fn` and captures exceptions (see `Result.try`). @internal */
export function tryResult<T>(fn: () => T, errorFactory?: ErrorFactory): Result<T> {
  let value: T;
  try {
    value = fn();
  } catch (e) {
    return err(fromThrown(e, { errorFactory }));
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
    return new AsyncResult(Promise.resolve(err<T>(fromThrown(e, { signal, errorFactory }))));
  }
  if (!isThenable(out)) return new AsyncResult(Promise.resolve(ok(out)));
  return new AsyncResult(
    Promise.resolve(out).then(
      (value) => ok(value),
      (exception: unknown) => err<T>(fromThrown(exception, { signal, errorFactory })),
    ),
  );
}
