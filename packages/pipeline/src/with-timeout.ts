import { PipeError, type Result } from "@pipe/result";
import { runAttemptsIn } from "./internal/attempts.ts";
import {
  callerAborted,
  type Environment,
  environment,
  failAfterRollback,
  keep,
} from "./internal/environment.ts";
import { inSpan, tracedOperation, tracing } from "./internal/trace.ts";
import { checkOrchestrationOptions } from "./internal/usage.ts";
import { canceledBy, isThenable, requireNonNegative } from "./internal/util.ts";
import type { ResultPipelineOperation } from "./operation.ts";
import type { OrchestrationOptions } from "./orchestration-options.ts";

const timeoutReason = (ms: number): unknown => {
  try {
    return new DOMException(`The operation timed out after ${ms} ms.`, "TimeoutError");
  } catch {
    return new Error(`The operation timed out after ${ms} ms.`);
  }
};

/**
 * Runs an operation with a deadline on the TimeProvider (`ResultPipeline.withTimeout`).
 *
 * When to use: bound a step's latency and roll back what it did when it is too slow.
 *
 * Details: when the deadline passes first, the operation's signal is aborted, the call waits for it to settle,
 * rolls back its compensations under the policy (the .NET original dropped them) and returns `error.timeout`.
 * When the operation settles first, its result is returned: a success keeps its compensations (absorbed into
 * `context` or attached), a failure is rolled back. `Infinity` means no deadline. The policy's retry applies
 * inside the deadline.
 *
 * Error codes: `error.timeout` (metadata `duration`), the operation's own failure, `error.canceled` on abort;
 * a rollback failure adds `metadata.compensationError`.
 *
 * Abort: like a timeout, but returns `error.canceled`. An already-aborted signal returns `error.canceled`
 * synchronously.
 *
 * Gotchas: the call waits for the operation to settle after the deadline so that its compensations are
 * complete; an operation that ignores its signal delays the result.
 *
 * @throws RangeError when `timeoutMs` is negative or NaN.
 * @example
 * ```ts
 * import { ResultPipeline, ok, VirtualTimeProvider, delay } from "@pipe/pipeline";
 * const timeProvider = new VirtualTimeProvider();
 * const pending = ResultPipeline.withTimeout(async (ctx, signal) => {
 *   ctx.registerCompensation(() => console.log("rolled back"));
 *   await delay(1000, { timeProvider, signal });
 *   return ok("late");
 * }, 100, { timeProvider });
 * await timeProvider.advance(100);
 * console.log((await pending).error?.code); // "error.timeout" (after "rolled back")
 * ```
 */
export function withTimeout<T>(
  operation: ResultPipelineOperation<T>,
  timeoutMs: number,
  options: OrchestrationOptions = {},
): Result<T> | Promise<Result<T>> {
  if (typeof operation !== "function") throw new TypeError("withTimeout: operation must be a function.");
  requireNonNegative(timeoutMs, "withTimeout: timeoutMs");
  checkOrchestrationOptions(options, "withTimeout");
  const aborted = callerAborted(options);
  if (aborted !== undefined)
    return failAfterRollback(canceledBy(aborted), undefined, environment({}, "timeout"));
  const env = environment(options, "timeout", true);
  const tracer = tracing.tracer;
  if (tracer === undefined) return attempt(operation, timeoutMs, env, options);
  return inSpan(tracer, "pipeline.with_timeout", { "pipeline.step.name": env.stepName }, (span) => {
    env.span = span;
    return attempt(
      tracedOperation(tracer, operation, "pipeline.with_timeout.attempt"),
      timeoutMs,
      env,
      options,
    );
  });
}

/** Runs the attempts and settles the outcome (see the function above). */
function attempt<T>(
  operation: ResultPipelineOperation<T>,
  timeoutMs: number,
  env: Environment,
  options: OrchestrationOptions,
): Result<T> | Promise<Result<T>> {
  let timedOut = false;
  const finite = Number.isFinite(timeoutMs);
  const handle = finite
    ? env.timeProvider.setTimeout(() => {
        timedOut = true;
        env.link.abort(timeoutReason(timeoutMs));
      }, timeoutMs)
    : undefined;
  const outcome = runAttemptsIn(env, operation, env.stepName, env.link.signal);
  const finish = (o: Awaited<typeof outcome>): Result<T> | Promise<Result<T>> => {
    if (finite) env.timeProvider.clearTimeout(handle);
    env.link.dispose();
    const scope = o.ctx.scope;
    const log = scope?.hasActions ? scope.log.take() : undefined;
    const stop = callerAborted(options);
    if (o.result.isOk && !timedOut && stop === undefined) {
      for (const e of o.compensationErrors ?? []) options.onCompensationError?.(e);
      return keep(o.result, log, options);
    }
    let error: PipeError;
    if (stop !== undefined) error = canceledBy(stop);
    else if (timedOut && (o.result.isOk || o.result.error.code === "error.canceled"))
      error = PipeError.timeout(timeoutMs);
    else error = o.result.isErr ? o.result.error : PipeError.timeout(timeoutMs);
    return failAfterRollback(error, log, env, o.compensationErrors);
  };
  return isThenable(outcome) ? outcome.then(finish) : finish(outcome);
}
