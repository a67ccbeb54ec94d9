import { err, PipeError, type Result } from "@pipe/result";
import {
  callerAborted,
  environment,
  failAfterRollback,
  keep,
  mergeLogs,
  rollbackQuietly,
} from "./internal/environment.ts";
import { type RaceOutcome, raceCore } from "./internal/race-core.ts";
import { inSpan, tracedOperations, tracing } from "./internal/trace.ts";
import { checkOrchestrationOptions, operationList } from "./internal/usage.ts";
import { canceledBy, isThenable } from "./internal/util.ts";
import type { ResultPipelineOperation } from "./operation.ts";
import type { OrchestrationOptions } from "./orchestration-options.ts";

const tag = (error: PipeError, index: number, stepName: string): PipeError =>
  error.withMetadata({ operationIndex: index, stepName });

function conclude<T>(outcome: RaceOutcome<T>, options: OrchestrationOptions): Result<T> | Promise<Result<T>> {
  const losers = mergeLogs(outcome.loserLogs);
  if (outcome.winner !== undefined) {
    const winner = outcome.winner;
    const done = (): Result<T> => keep(winner, outcome.winnerLog, options);
    if (outcome.compensationErrors.length > 0) {
      for (const e of outcome.compensationErrors) options.onCompensationError?.(e);
    }
    const rolled = rollbackQuietly(losers, outcome.env);
    return isThenable(rolled) ? rolled.then(done) : done();
  }
  const aborted = callerAborted(options);
  const errors = outcome.errors;
  let error: PipeError;
  if (aborted !== undefined) error = canceledBy(aborted);
  else if (errors.length > 0 && errors.every((e) => e.code === "error.canceled")) {
    error = PipeError.canceled("All operations were canceled.");
  } else if (errors.length === 1) error = errors[0] as PipeError;
  else error = PipeError.aggregate("All operations failed.", errors);
  return failAfterRollback(error, losers, outcome.env, outcome.compensationErrors);
}

/**
 * Runs operations concurrently; the first success wins and the others are aborted (`Result.whenAny`,
 * `ResultPipeline.race`).
 *
 * When to use: hedged requests, replicas, "whichever answers first".
 *
 * Details: every operation gets its own child context; the winner's compensations are kept (absorbed into
 * `context` when given, else attached to the returned Result). Everyone else's compensations (failures,
 * canceled peers and secondary successes) are rolled back under the policy before the call returns. A rollback
 * failure of the losers does not turn the win into a failure; it goes to `onCompensationError`. Operations
 * not yet started when a winner exists are never started (relevant when operations complete synchronously).
 *
 * Error codes: `error.validation` "No operations provided for WhenAny." for an empty list; the single failure
 * as is; `error.aggregate` "All operations failed." (children tagged `operationIndex`, `stepName`);
 * `error.canceled` "All operations were canceled." when every operation was canceled; `error.canceled` with the
 * abort reason when the caller aborted. A rollback failure is attached as `metadata.compensationError`.
 *
 * Abort: peers see the aborted signal; the call waits for them, rolls back and returns `error.canceled`. An
 * already-aborted signal returns `error.canceled` synchronously.
 *
 * Gotchas: the call waits for every started operation (to roll them back), so an operation that ignores its
 * signal delays the result.
 *
 * @example
 * ```ts
 * import { ok, PipeError, err, ResultPipeline } from "@pipe/pipeline";
 * const winner = await ResultPipeline.race([
 *   () => err(PipeError.from("replica a down")),
 *   () => ok("replica b"),
 * ]);
 * console.log(winner.isOk && winner.value); // "replica b"
 * ```
 */
export function whenAny<T>(
  operations: Iterable<ResultPipelineOperation<T>>,
  options: OrchestrationOptions = {},
): Result<T> | Promise<Result<T>> {
  const list = operationList(operations, "whenAny");
  checkOrchestrationOptions(options, "whenAny");
  if (list.length === 0)
    return err(PipeError.from("No operations provided for WhenAny.", "error.validation"));
  const aborted = callerAborted(options);
  if (aborted !== undefined)
    return failAfterRollback(canceledBy(aborted), undefined, environment({}, "whenany"));
  const tracer = tracing.tracer;
  if (tracer === undefined) {
    const outcome = raceCore(list, options, "whenany", tag);
    return isThenable(outcome) ? outcome.then((o) => conclude(o, options)) : conclude(outcome, options);
  }
  return inSpan(tracer, "pipeline.race", { "pipeline.race.operations": list.length }, (span) => {
    const operations = tracedOperations(tracer, list, "pipeline.race.operation");
    const outcome = raceCore(operations, options, "whenany", tag, span);
    return isThenable(outcome) ? outcome.then((o) => conclude(o, options)) : conclude(outcome, options);
  });
}
