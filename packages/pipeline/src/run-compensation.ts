import { fromThrown, type PipeError } from "@pipe/result";
import { ResultCompensationPolicy } from "./compensation-policy.ts";
import { CompensationScope } from "./compensation-scope.ts";
import { ResultExecutionPolicy } from "./execution-policy.ts";
import type { CompensationLog } from "./internal/log.ts";
import { runLog } from "./internal/run-log.ts";
import { inSpan, tracing } from "./internal/trace.ts";
import { checkOptions, checkSignal, describe } from "./internal/usage.ts";
import { canceledBy, neverAbortedSignal } from "./internal/util.ts";
import type { SpanLike } from "./tracer-like.ts";

/** Options of {@link runCompensation}. */
export interface RunCompensationOptions {
  /**
   * Passed to every action, and checked before each one by `sequentialReverse`. Pass a signal that is not the
   * aborted pipeline's (or none), so rollback is not cut short.
   */
  readonly signal?: AbortSignal;
  /**
   * A span that gets one `pipeline.compensation` event per action that runs (see `PipelineTracing`), for a
   * rollback that belongs to work you trace yourself. Without it, a configured tracer gets a
   * `pipeline.compensation` span for the run.
   */
  readonly span?: SpanLike;
}

/**
 * Replays (and empties) a compensation scope under a policy: `Result.runCompensation(policy, scope, { signal })`.
 *
 * When to use: after a pipeline run failed, to undo the side effects its steps registered (seed 001/002:
 * `if (result.isErr) await Result.runCompensation(policy, scope)`).
 *
 * Details: the actions are taken atomically before anything runs, so each runs at most once even when several
 * calls race. Execution keeps going past a failing action. `policy` may be a `ResultExecutionPolicy` (its
 * compensation half is used), a `ResultCompensationPolicy`, or `undefined` (`sequentialReverse`).
 *
 * Error codes: resolves to `undefined` when every action succeeded (or the scope was empty); otherwise to an
 * `error.compensation` aggregate whose children are the failures (`error.exception` with the thrown value as
 * cause, or the PipeError an action threw or returned) plus, when the signal aborted mid-way, an
 * `error.canceled` child with `metadata.skipped`. An already-aborted signal resolves to `error.canceled`
 * without touching the scope.
 *
 * Abort: `sequentialReverse` stops before the next action and puts the actions that did not run back into the
 * scope, so a later call can finish the rollback.
 *
 * Gotchas: never throws and never rejects. It does not clear actions registered while it runs.
 *
 * @example
 * ```ts
 * import { CompensationScope, Result, ResultCompensationPolicy, ResultExecutionPolicy } from "@pipe/pipeline";
 * const scope = new CompensationScope();
 * scope.register(() => { throw new Error("disk gone"); });
 * scope.register(() => console.log("undo second"));
 * const policy = ResultExecutionPolicy.none.withCompensation(ResultCompensationPolicy.sequentialReverse);
 * const error = await Result.runCompensation(policy, scope);
 * console.log(error?.code, error?.errors.length); // "error.compensation" 1 (and "undo second" ran)
 * ```
 */
export function runCompensation(
  policy: ResultExecutionPolicy | ResultCompensationPolicy | undefined,
  scope: CompensationScope,
  options: RunCompensationOptions = {},
): Promise<PipeError | undefined> {
  if (
    policy !== undefined &&
    !(policy instanceof ResultCompensationPolicy) &&
    !(policy instanceof ResultExecutionPolicy)
  ) {
    throw new TypeError(
      `runCompensation: policy must be a ResultExecutionPolicy, a ResultCompensationPolicy or undefined, got ${describe(policy)}.`,
    );
  }
  if (!(scope instanceof CompensationScope))
    throw new TypeError(`runCompensation: scope must be a CompensationScope, got ${describe(scope)}.`);
  checkOptions(options, "runCompensation");
  checkSignal(options.signal, "runCompensation");
  checkSpan(options.span);
  const signal = options.signal ?? neverAbortedSignal;
  if (signal.aborted)
    return Promise.resolve(canceledBy(signal, "Compensation was canceled before it started."));
  const compensationPolicy =
    policy instanceof ResultCompensationPolicy
      ? policy
      : policy instanceof ResultExecutionPolicy
        ? policy.compensation
        : ResultCompensationPolicy.sequentialReverse;
  const log = scope.log;
  if (log.size === 0) return Promise.resolve(undefined);
  const tracer = options.span === undefined ? tracing.tracer : undefined;
  if (tracer === undefined) return run(compensationPolicy, log, signal, options.span);
  return inSpan(tracer, "pipeline.compensation", { "pipeline.compensation.actions": log.size }, (span) =>
    run(compensationPolicy, log, signal, span),
  );
}

function run(
  policy: ResultCompensationPolicy,
  log: CompensationLog,
  signal: AbortSignal,
  span: SpanLike | undefined,
): Promise<PipeError | undefined> {
  try {
    return Promise.resolve(runLog(policy, log.take(), signal, log, span));
  } catch (thrown) {
    // runLog never throws; this is belt and braces for a hostile custom strategy.
    return Promise.resolve(fromThrown(thrown));
  }
}

function checkSpan(span: unknown): void {
  if (span !== undefined && (span === null || typeof (span as SpanLike).addEvent !== "function"))
    throw new TypeError(
      `runCompensation: options.span must be a span (with addEvent), got ${describe(span)}.`,
    );
}
