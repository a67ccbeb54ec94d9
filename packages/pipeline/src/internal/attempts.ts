import { delay, type TimeProvider } from "@pipe/channels";
import { err, type PipeError, type Result } from "@pipe/result";
import type { ResultExecutionPolicy } from "../execution-policy.ts";
import type { ResultPipelineOperation } from "../operation.ts";
import type { RetrySchedule } from "../retry-policy.ts";
import type { ResultPipelineStepContext } from "../step-context.ts";
import type { SpanLike } from "../tracer-like.ts";
import { operationContext } from "./context-internals.ts";
import type { Environment } from "./environment.ts";
import { invoke } from "./invoke.ts";
import { runLog } from "./run-log.ts";
import { canceledBy, isThenable } from "./util.ts";

/** The longest delay (ms) that timers accept on every runtime: 2^31 - 1, about 24.8 days. */
const MAX_TIMER_DELAY_MS = 2_147_483_647;

/** The end of one operation under a retry policy. @internal */
export interface AttemptOutcome<T> {
  /** The final attempt's result, without attached compensations (they were absorbed into `ctx`). */
  result: Result<T>;
  /** The final attempt's context; its scope holds that attempt's compensations. */
  ctx: ResultPipelineStepContext;
  /** Attempts made. */
  attempts: number;
  /** Failures of the rollbacks of earlier failed attempts. */
  compensationErrors: PipeError[] | undefined;
}

/** Settles one attempt: moves the result's attached compensations into its context. */
export function settleAttempt<T>(ctx: ResultPipelineStepContext, result: Result<T>): Result<T> {
  return result.compensations.length === 0 ? result : ctx.absorb(result);
}

function makeCtx(
  stepName: string,
  timeProvider: TimeProvider,
  signal: AbortSignal,
): ResultPipelineStepContext {
  return operationContext(stepName, timeProvider, signal);
}

function retryable(
  result: Result<unknown>,
  policy: ResultExecutionPolicy,
  attempt: number,
  signal: AbortSignal,
): boolean {
  if (result.isOk || signal.aborted) return false;
  if (result.error.code === "error.canceled") return false;
  const predicate = policy.retry.shouldRetry;
  return predicate === undefined || predicate(result.error, attempt) === true;
}

async function continueAttempts<T>(
  operation: ResultPipelineOperation<T>,
  stepName: string,
  timeProvider: TimeProvider,
  signal: AbortSignal,
  policy: ResultExecutionPolicy,
  compensationSignal: AbortSignal,
  first: { ctx: ResultPipelineStepContext; pending: Result<T> | Promise<Result<T>> },
  span: SpanLike | undefined,
): Promise<AttemptOutcome<T>> {
  let ctx = first.ctx;
  let result = settleAttempt(ctx, await first.pending);
  let attempt = 1;
  let schedule: RetrySchedule | undefined;
  let compensationErrors: PipeError[] | undefined;
  for (;;) {
    if (!retryable(result, policy, attempt, signal)) break;
    schedule ??= policy.retry.schedule();
    const next = schedule.next();
    if (next === undefined) break;
    // An exponential schedule without a cap can grow past every timer's range (or to Infinity): it waits the
    // longest delay every runtime's timers accept instead.
    const wait = Math.min(next, MAX_TIMER_DELAY_MS);
    const scope = ctx.scope;
    if (scope?.hasActions) {
      const failure = await runLog(
        policy.compensation,
        scope.log.take(),
        compensationSignal,
        undefined,
        span,
      );
      if (failure !== undefined) (compensationErrors ??= []).push(failure);
    }
    if (wait > 0 ? (await delay(wait, { timeProvider, signal })).isErr : signal.aborted) {
      result = err(canceledBy(signal));
      break;
    }
    attempt++;
    ctx = makeCtx(stepName, timeProvider, signal);
    result = settleAttempt(ctx, await invoke(operation, ctx));
  }
  return { result, ctx, attempts: attempt, compensationErrors };
}

/**
 * Runs `operation` under the policy's retry: each attempt gets a fresh context; a failed attempt's
 * compensations are run (under the policy) before the next attempt; `error.canceled` is never retried; an
 * abort during back-off gives `error.canceled`. Synchronous when the first attempt is and needs no retry.
 * `span` (when tracing) gets the compensation events of the rollbacks between attempts.
 * @internal
 */
function runAttempts<T>(
  operation: ResultPipelineOperation<T>,
  stepName: string,
  timeProvider: TimeProvider,
  signal: AbortSignal,
  policy: ResultExecutionPolicy,
  compensationSignal: AbortSignal,
  span?: SpanLike,
): AttemptOutcome<T> | Promise<AttemptOutcome<T>> {
  const ctx = makeCtx(stepName, timeProvider, signal);
  let pending = invoke(operation, ctx);
  if (!isThenable(pending)) {
    const result = settleAttempt(ctx, pending);
    if (!retryable(result, policy, 1, signal) || policy.retry.maxAttempts <= 1) {
      return { result, ctx, attempts: 1, compensationErrors: undefined };
    }
    pending = result;
  }
  const first = { ctx, pending };
  return continueAttempts(operation, stepName, timeProvider, signal, policy, compensationSignal, first, span);
}

/**
 * {@link runAttempts} under an orchestration's clock, policy, compensation signal and span: what `retry`,
 * `withTimeout`, `whenAll`, `race` and `saga` run for one operation under a retry policy. @internal
 */
export function runAttemptsIn<T>(
  env: Environment,
  operation: ResultPipelineOperation<T>,
  stepName: string,
  signal: AbortSignal,
): AttemptOutcome<T> | Promise<AttemptOutcome<T>> {
  return runAttempts(
    operation,
    stepName,
    env.timeProvider,
    signal,
    env.policy,
    env.compensationSignal,
    env.span,
  );
}
