import { err, fromThrown, isResult, PipeError, type Result } from "@pipe/result";
import type { ResultPipelineOperation } from "../operation.ts";
import type { ResultPipelineStepContext } from "../step-context.ts";
import { isThenable } from "./util.ts";

function notAResult<T>(value: unknown): Result<T> {
  return err(
    PipeError.from(
      `Operation returned ${value === null ? "null" : typeof value} instead of a Result.`,
      "error.validation",
    ),
  );
}

/** Normalises a settled value into a Result. */
export function asResult<T>(value: unknown): Result<T> {
  return isResult(value) ? (value as Result<T>) : notAResult<T>(value);
}

/**
 * Calls `operation(ctx, ctx.signal)`, turning throws/rejections into failures; synchronous when the operation
 * is. @internal
 */
export function invoke<T>(
  operation: ResultPipelineOperation<T>,
  ctx: ResultPipelineStepContext,
): Result<T> | Promise<Result<T>> {
  let value: unknown;
  try {
    value = operation(ctx, ctx.signal);
  } catch (thrown) {
    return err(fromThrown(thrown, { signal: ctx.signal }));
  }
  if (isResult(value)) return value as Result<T>;
  if (isThenable(value)) {
    return Promise.resolve(value).then(asResult<T>, (thrown: unknown) =>
      err<T>(fromThrown(thrown, { signal: ctx.signal })),
    );
  }
  return notAResult<T>(value);
}

/**
 * Calls `operation(ctx, ctx.signal)` without wrapping a pending value: a Result (a throw or a non-Result value
 * becomes a failure) or the operation's own thenable, for a caller that awaits it and normalises the settled value
 * with `asResult` (a rejection is a failure there too). @internal
 */
export function call<T>(
  operation: ResultPipelineOperation<T>,
  ctx: ResultPipelineStepContext,
): Result<T> | PromiseLike<unknown> {
  let value: unknown;
  try {
    value = operation(ctx, ctx.signal);
  } catch (thrown) {
    return err(fromThrown(thrown, { signal: ctx.signal }));
  }
  // A result is never thenable, so the order of the two checks does not matter; an asynchronous operation's
  // promise is recognised by the first.
  if (isThenable(value)) return value;
  if (isResult(value)) return value as Result<T>;
  return notAResult<T>(value);
}

/** Calls a value-level function `fn(...args)` the same way (throws/rejections become failures). @internal */
export function invokeFn<T>(fn: () => unknown, signal: AbortSignal): Result<T> | Promise<Result<T>> {
  let value: unknown;
  try {
    value = fn();
  } catch (thrown) {
    return err(fromThrown(thrown, { signal }));
  }
  if (isResult(value)) return value as Result<T>;
  if (isThenable(value)) {
    return Promise.resolve(value).then(asResult<T>, (thrown: unknown) =>
      err<T>(fromThrown(thrown, { signal })),
    );
  }
  return notAResult<T>(value);
}
