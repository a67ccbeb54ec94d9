import { ErrorCodes } from "./error-codes.ts";
import { isErrorLike } from "./internal/render.ts";
import { PipeError } from "./pipe-error.ts";
import { ResultError } from "./result-error.ts";

/** Turns a caught exception into an error: abort → canceled, else the factory's error or `fromException`. */
export type ErrorFactory = (exception: unknown) => PipeError | undefined;

/**
 * Options of {@link fromThrown}.
 *
 * @example
 * ```ts
 * import { type FromThrownOptions } from "@pipe/result";
 * const options: FromThrownOptions = { signal: AbortSignal.abort("stop"), errorFactory: () => undefined };
 * ```
 */
export interface FromThrownOptions {
  /** The signal the throwing code ran under: once it is aborted, whatever was thrown is `error.canceled`. */
  readonly signal?: AbortSignal | undefined;
  /** Maps any other exception; returning `undefined` (or throwing) falls back to `PipeError.fromException`. */
  readonly errorFactory?: ErrorFactory | undefined;
}

const exceptionName = (thrown: unknown): string | undefined =>
  isErrorLike(thrown) ? thrown.name : undefined;

/**
 * The one rule that turns a value thrown by user code (or a rejection) into a PipeError, used by every entry
 * point of `@pipe/result`, `@pipe/channels` and `@pipe/pipeline` (`Result.try`/`tryAsync`, `AsyncResult.from`,
 * streams, channel operators, orchestrators, timeouts, wait groups).
 *
 * When to use: in your own adapters that catch exceptions, so they classify them the way the library does.
 *
 * Details, in order:
 * 1. a PipeError is returned as is; a {@link ResultError} (from `unwrap()`) gives back its PipeError;
 * 2. an `AbortError` (any error or `DOMException` named so) is `error.canceled`, metadata `reason` = the
 *    signal's reason when `signal` is aborted, else the exception (as `{ name, message }`);
 * 3. a `TimeoutError` (for example from `AbortSignal.timeout`) is `error.timeout` with the exception as cause;
 * 4. anything else thrown once `signal` is aborted is `error.canceled` (metadata `reason` = the signal's reason);
 * 5. otherwise `errorFactory(thrown)` when it returns an error, else `PipeError.fromException(thrown)`
 *    (`error.exception`, cause = the exception, metadata `exceptionType`).
 *
 * Gotchas: `PipeError.fromException` itself applies none of these rules (it always gives `error.exception`).
 * A throwing `errorFactory` gives `error.exception` for the factory's exception.
 *
 * @example
 * ```ts
 * import { fromThrown } from "@pipe/result";
 * fromThrown(new DOMException("stop", "AbortError")).code; // "error.canceled"
 * fromThrown(new DOMException("slow", "TimeoutError")).code; // "error.timeout"
 * fromThrown(new TypeError("boom")).code; // "error.exception"
 * ```
 */
export function fromThrown(thrown: unknown, options?: FromThrownOptions): PipeError {
  if (thrown instanceof ResultError) return thrown.error;
  if (PipeError.is(thrown)) return thrown;
  const signal = options?.signal;
  const name = exceptionName(thrown);
  if (name === "AbortError") return PipeError.canceled(undefined, signal?.aborted ? signal.reason : thrown);
  if (name === "TimeoutError")
    return PipeError.from("The operation timed out.", ErrorCodes.timeout, { cause: thrown });
  if (signal?.aborted) return PipeError.canceled(undefined, signal.reason);
  const errorFactory = options?.errorFactory;
  if (errorFactory !== undefined) {
    let mapped: PipeError | undefined;
    try {
      mapped = errorFactory(thrown);
    } catch (factoryFailure) {
      return PipeError.fromException(factoryFailure);
    }
    if (mapped !== undefined && mapped !== null) return mapped;
  }
  return PipeError.fromException(thrown);
}
