import { err, fromThrown, PipeError, type Result } from "@pipe/result";
import { type AttemptOutcome, runAttemptsIn, settleAttempt } from "./internal/attempts.ts";
import { operationContext } from "./internal/context-internals.ts";
import {
  callerAborted,
  type Environment,
  environment,
  failAfterRollback,
  mergeLogs,
  succeed,
} from "./internal/environment.ts";
import { asResult, call } from "./internal/invoke.ts";
import { keepLayout } from "./internal/kept.ts";
import type { CompensationLog } from "./internal/log.ts";
import { inSpan, tracedOperations, tracing } from "./internal/trace.ts";
import { checkOrchestrationOptions, operationList } from "./internal/usage.ts";
import { canceledBy, isThenable, neverAbortedSignal, requirePositiveInteger } from "./internal/util.ts";
import type { ResultPipelineOperation } from "./operation.ts";
import type { FanOutOptions } from "./orchestration-options.ts";
import type { ResultPipelineStepContext } from "./step-context.ts";

interface Failure {
  readonly index: number;
  readonly stepName: string;
  readonly error: PipeError;
}

class FanOutRun<T> {
  readonly values: T[];
  failures: Failure[] | undefined;
  logs: CompensationLog[] | undefined;
  compensationErrors: PipeError[] | undefined;
  next = 0;
  active = 0;
  stopped = false;
  resolve: ((result: Result<T[]> | Promise<Result<T[]>>) => void) | undefined;
  readonly retry: boolean;
  /** False when the orchestration runs under the shared never-aborting signal: no abort check per operation. */
  readonly abortable: boolean;

  constructor(
    readonly operations: readonly ResultPipelineOperation<T>[],
    readonly env: Environment,
    readonly limit: number,
  ) {
    this.values = new Array(operations.length);
    this.retry = env.policy.retry.maxAttempts > 1;
    this.abortable = env.link.signal !== neverAbortedSignal;
  }

  start(): Result<T[]> | Promise<Result<T[]>> {
    this.launch();
    if (this.active === 0) return this.finish();
    return new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  launch(): void {
    const { operations, env } = this;
    const signal = env.link.signal;
    while (this.active < this.limit && this.next < operations.length) {
      if (this.stopped || signal.aborted) {
        this.stopped = true;
        return;
      }
      const index = this.next++;
      const operation = operations[index] as ResultPipelineOperation<T>;
      if (!this.retry) {
        const ctx = operationContext(env.stepName, env.timeProvider, signal, undefined, index);
        const value = call(operation, ctx);
        if (isThenable(value)) {
          this.active++;
          void this.work(index, ctx, value);
        } else {
          this.record(index, ctx, value as Result<T>, undefined);
        }
      } else {
        const pending = runAttemptsIn(env, operation, `${env.stepName}[${index}]`, signal);
        if (isThenable(pending)) {
          this.active++;
          pending.then((o) => this.settleAsync(index, o.ctx, o.result, o));
        } else {
          this.record(index, pending.ctx, pending.result, pending);
        }
      }
    }
  }

  /**
   * One slot of the pool (no retry policy): awaits its operation, records it, then takes the next operations
   * itself until none is left, so each asynchronous operation costs one await and no promise of its own.
   */
  async work(index: number, ctx: ResultPipelineStepContext, pending: PromiseLike<unknown>): Promise<void> {
    const { operations, env } = this;
    const signal = env.link.signal;
    for (;;) {
      let result: Result<T>;
      try {
        result = asResult<T>(await pending);
      } catch (thrown) {
        result = err(fromThrown(thrown, { signal: ctx.signal }));
      }
      this.record(index, ctx, result, undefined);
      for (;;) {
        if (this.next >= operations.length || this.stopped || (this.abortable && signal.aborted)) {
          if (this.next < operations.length) this.stopped = true;
          if (--this.active === 0)
            (this.resolve as (r: Result<T[]> | Promise<Result<T[]>>) => void)(this.finish());
          return;
        }
        index = this.next++;
        ctx = operationContext(env.stepName, env.timeProvider, signal, undefined, index);
        const value = call(operations[index] as ResultPipelineOperation<T>, ctx);
        if (isThenable(value)) {
          pending = value;
          break;
        }
        this.record(index, ctx, value as Result<T>, undefined);
      }
    }
  }

  settleAsync(
    index: number,
    ctx: ResultPipelineStepContext,
    result: Result<T>,
    outcome: AttemptOutcome<T> | undefined,
  ): void {
    this.active--;
    this.record(index, ctx, result, outcome);
    this.launch();
    if (this.active === 0) (this.resolve as (r: Result<T[]> | Promise<Result<T[]>>) => void)(this.finish());
  }

  record(
    index: number,
    ctx: ResultPipelineStepContext,
    result: Result<T>,
    outcome: AttemptOutcome<T> | undefined,
  ): void {
    result = settleAttempt(ctx, result);
    const scope = ctx.scope;
    if (scope?.hasActions) (this.logs ??= []).push(scope.log.take());
    if (outcome?.compensationErrors !== undefined)
      (this.compensationErrors ??= []).push(...outcome.compensationErrors);
    if (result.isOk) {
      this.values[index] = result.value;
    } else {
      (this.failures ??= []).push({ index, stepName: ctx.stepName, error: result.error });
      this.stopped = true;
    }
  }

  finish(): Result<T[]> | Promise<Result<T[]>> {
    const env = this.env;
    env.link.dispose();
    const log = mergeLogs(this.logs);
    const failures = this.failures;
    const aborted = callerAborted(env.options);
    // An abort wins over late successes: what completed is rolled back and `error.canceled` returned.
    if (failures === undefined && this.next === this.operations.length && aborted === undefined)
      return succeed(this.values, log, env.options);
    let error: PipeError;
    if (aborted !== undefined) {
      error = canceledBy(aborted);
    } else if (failures === undefined) {
      error = canceledBy(env.link.signal);
    } else if (failures.length === 1) {
      error = (failures[0] as Failure).error;
    } else {
      failures.sort((a, b) => a.index - b.index);
      error = PipeError.aggregate(
        "One or more operations failed.",
        failures.map((f) => f.error.withMetadata({ operationIndex: f.index, stepName: f.stepName })),
      );
    }
    return failAfterRollback(error, log, env, this.compensationErrors);
  }
}

keepLayout(new FanOutRun([], environment({}, "whenall"), 1));

/**
 * Runs operations concurrently and collects their values in input order (`Result.whenAll`, `ResultPipeline.fanOut`).
 *
 * When to use: fan-out over a list (shards, endpoints, files) where every item must succeed, with rollback
 * of the finished ones when one fails (seed 000).
 *
 * Details: each operation gets its own child context (step name `<stepName>[i]`) and runs under the policy's
 * retry (a failed attempt is rolled back before the next). When one fails, the others already running finish
 * (they are not aborted) and then the compensations of every operation, the failing ones included, run under
 * the policy in one global reverse-registration order. On success the compensations go into `context` when
 * given (a later stage can still roll them back), else they are attached to the returned Result. With
 * `concurrency`, at most that many run at once (a shared-index worker pool). When every operation completes
 * synchronously the call returns a plain Result, not a promise (`await` works on both).
 *
 * Error codes: the single failure as is (same instance), or `error.aggregate` "One or more operations
 * failed." whose children carry `metadata.operationIndex` and `metadata.stepName`; `error.canceled` on abort;
 * a rollback failure is attached as `metadata.compensationError` (code `error.compensation`).
 *
 * Abort: operations not yet started never start; running ones see the aborted signal; once they settle, what
 * completed is rolled back and `error.canceled` is returned. An already-aborted signal returns `error.canceled`
 * synchronously without starting anything.
 *
 * Gotchas: the orchestrator waits for every started operation, so an operation that ignores its signal delays
 * the result. Operations not yet started when one fails are never started.
 *
 * @throws RangeError when `concurrency` is not a positive integer (a programmer error).
 * @example
 * ```ts
 * import { ok, ResultPipeline } from "@pipe/pipeline";
 * const result = await ResultPipeline.fanOut(
 *   [1, 2, 3].map((shard) => (ctx) => {
 *     ctx.registerCompensation(() => console.log(`undo shard ${shard}`));
 *     return ok(shard * 10);
 *   }),
 *   { concurrency: 2 },
 * );
 * console.log(result.isOk && result.value); // [10, 20, 30] (compensations attached to result)
 * ```
 */
export function whenAll<T>(
  operations: Iterable<ResultPipelineOperation<T>>,
  options: FanOutOptions = {},
): Result<T[]> | Promise<Result<T[]>> {
  const list = operationList(operations, "whenAll");
  checkOrchestrationOptions(options, "whenAll");
  const limit =
    options.concurrency === undefined
      ? Number.POSITIVE_INFINITY
      : requirePositiveInteger(options.concurrency, "fanOut: concurrency");
  const aborted = callerAborted(options);
  if (aborted !== undefined)
    return failAfterRollback(canceledBy(aborted), undefined, environment({}, "whenall"));
  const env = environment(options, "whenall");
  const tracer = tracing.tracer;
  if (tracer === undefined) return new FanOutRun(list, env, limit).start();
  const attributes = { "pipeline.step.name": env.stepName, "pipeline.fan_out.operations": list.length };
  return inSpan(tracer, "pipeline.fan_out", attributes, (span) => {
    env.span = span;
    return new FanOutRun(tracedOperations(tracer, list), env, limit).start();
  });
}
