import { ErrorCodes, err, ok, PipeError, type Result } from "@pipe/result";

let okVoid: Result<void> | undefined;
let okTrue: Result<boolean> | undefined;
let okFalse: Result<boolean> | undefined;
let completed: PipeError | undefined;

/** Shared `ok()` (Results are immutable, so one instance serves every successful write). */
export function okVoidResult(): Result<void> {
  if (okVoid === undefined) okVoid = ok(undefined);
  return okVoid;
}

let writtenPromise: Promise<Result<void>> | undefined;

/**
 * The promise a channel's `write` returns when the value went in at once: one shared, already resolved
 * promise of the shared `ok()`, so awaiting a write that finds room allocates nothing.
 */
export function writtenResult(): Promise<Result<void>> {
  if (writtenPromise === undefined) writtenPromise = Promise.resolve(okVoidResult());
  return writtenPromise;
}

/** Shared `ok(true)`. */
export function okTrueResult(): Result<boolean> {
  if (okTrue === undefined) okTrue = ok(true);
  return okTrue;
}

/** Shared `ok(false)`. */
export function okFalseResult(): Result<boolean> {
  if (okFalse === undefined) okFalse = ok(false);
  return okFalse;
}

/** The shared `error.channel.completed` error. */
export function channelCompletedError(): PipeError {
  if (completed === undefined)
    completed = PipeError.from("The channel has completed.", ErrorCodes.channelCompleted);
  return completed;
}

/** `error.canceled` carrying the signal's reason. */
export function canceledError(signal: AbortSignal | undefined): PipeError {
  return PipeError.canceled(undefined, signal?.reason);
}

/** A failed Result with `error.canceled` for an aborted signal. */
export function canceledResult<T>(signal: AbortSignal | undefined): Result<T> {
  return err<T>(canceledError(signal));
}

/** Reports an exception thrown by a user hook without swallowing it or breaking the caller's state. */
export function reportHookError(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
