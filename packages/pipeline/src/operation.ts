import type { Result } from "@pipe/result";
import type { ResultPipelineStepContext } from "./step-context.ts";

/**
 * A pipeline operation: receives its own step context (register compensations there) and its signal, and
 * returns a Result, synchronously or as a promise (an `AsyncResult` works too).
 *
 * Details: a thrown exception or a rejected promise becomes a failure by `fromThrown` (`error.exception`; an
 * `AbortError`, or anything thrown once the signal aborted, is `error.canceled`; a `TimeoutError` is
 * `error.timeout`); returning something that is not a Result fails with `error.validation`.
 *
 * @example
 * ```ts
 * import { ok, type ResultPipelineOperation } from "@pipe/pipeline";
 * const reserve: ResultPipelineOperation<string> = (ctx, signal) => {
 *   ctx.registerCompensation(() => console.log("release"));
 *   return ok("reserved");
 * };
 * ```
 */
export type ResultPipelineOperation<T> = (
  context: ResultPipelineStepContext,
  signal: AbortSignal,
) => Result<T> | PromiseLike<Result<T>>;
