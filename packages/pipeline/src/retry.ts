import type { Result } from "@pipe/result";
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
import { canceledBy, isThenable } from "./internal/util.ts";
import type { ResultPipelineOperation } from "./operation.ts";
import type { OrchestrationOptions } from "./orchestration-options.ts";

/**
 * Runs one operation under the policy's retry (`ResultPipeline.retry`).
 *
 * When to use: a flaky call that may succeed when tried again after a back-off.
 *
 * Details: `maxAttempts` counts the first try. Each attempt gets a fresh child context; a failed attempt's
 * compensations are rolled back (under the policy) before the back-off and the next attempt. Thrown
 * exceptions are retried like returned failures; `error.canceled` is never retried. On success the final
 * attempt's compensations go into `context` (or are attached to the Result). On final failure they are rolled
 * back and the last failure is returned.
 *
 * Error codes: the last attempt's failure (same instance unless a rollback failed, which adds
 * `metadata.compensationError`, code `error.compensation`, message containing "compensation issues");
 * `error.canceled` when aborted (also during a back-off, which never throws).
 *
 * Abort: stops at the next check (during back-off immediately), rolls back and returns `error.canceled`.
 *
 * @example
 * ```ts
 * import { err, ok, PipeError, ResultPipeline, ResultRetryPolicy, VirtualTimeProvider } from "@pipe/pipeline";
 * let calls = 0;
 * const timeProvider = new VirtualTimeProvider();
 * const pending = ResultPipeline.retry(() => (++calls < 3 ? err(PipeError.from("busy")) : ok(calls)), {
 *   policy: ResultRetryPolicy.fixed(3, 100),
 *   timeProvider,
 * });
 * await timeProvider.advance(200);
 * console.log((await pending).isOk, calls); // true 3
 * ```
 */
export function retry<T>(
  operation: ResultPipelineOperation<T>,
  options: OrchestrationOptions = {},
): Result<T> | Promise<Result<T>> {
  if (typeof operation !== "function") throw new TypeError("retry: operation must be a function.");
  checkOrchestrationOptions(options, "retry");
  const aborted = callerAborted(options);
  if (aborted !== undefined)
    return failAfterRollback(canceledBy(aborted), undefined, environment({}, "retry"));
  const env = environment(options, "retry");
  const tracer = tracing.tracer;
  if (tracer === undefined) return attempt(operation, env, options);
  return inSpan(tracer, "pipeline.retry", { "pipeline.step.name": env.stepName }, (span) => {
    env.span = span;
    return attempt(tracedOperation(tracer, operation, "pipeline.retry.attempt"), env, options);
  });
}

/** Runs the attempts and settles the outcome (see the function above). */
function attempt<T>(
  operation: ResultPipelineOperation<T>,
  env: Environment,
  options: OrchestrationOptions,
): Result<T> | Promise<Result<T>> {
  const outcome = runAttemptsIn(env, operation, env.stepName, env.link.signal);
  const finish = (o: Awaited<typeof outcome>): Result<T> | Promise<Result<T>> => {
    env.link.dispose();
    const scope = o.ctx.scope;
    const log = scope?.hasActions ? scope.log.take() : undefined;
    if (o.result.isOk) {
      for (const e of o.compensationErrors ?? []) options.onCompensationError?.(e);
      return keep(o.result, log, options);
    }
    const stop = callerAborted(options);
    const error =
      stop !== undefined && o.result.error.code !== "error.canceled" ? canceledBy(stop) : o.result.error;
    return failAfterRollback(error, log, env, o.compensationErrors);
  };
  return isThenable(outcome) ? outcome.then(finish) : finish(outcome);
}
