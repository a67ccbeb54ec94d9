import { retry } from "./retry.ts";
import { ResultSagaBuilder } from "./saga.ts";
import { whenAll } from "./when-all.ts";
import { whenAny } from "./when-any.ts";
import { withTimeout } from "./with-timeout.ts";

/** The shape of {@link ResultPipeline}. */
export interface ResultPipelineApi {
  /** Concurrent operations, values in order, rollback of all on failure (= `Result.whenAll`). */
  readonly fanOut: typeof whenAll;
  /** First success wins, peers aborted and rolled back (= `Result.whenAny`). */
  readonly race: typeof whenAny;
  /** One operation under a retry policy. */
  readonly retry: typeof retry;
  /** One operation with a deadline; rolled back on timeout. */
  readonly withTimeout: typeof withTimeout;
  /** A new saga builder. */
  saga(): ResultSagaBuilder;
}

/**
 * Orchestration of Result-returning operations with compensation: `fanOut`, `race`, `retry`, `withTimeout`
 * and `saga()`.
 *
 * When to use: list-shaped stages (fan-out per shard, hedged calls, retries, deadlines, multi-step
 * transactions) whose side effects must be undone when the stage, or a later one, fails.
 *
 * Details: every orchestrator takes `{ policy, timeProvider, signal, context }`; operations are
 * `(ctx, signal) => Result | Promise<Result>` and register compensations on `ctx`. See each function for its
 * error codes and abort behaviour.
 *
 * @example
 * ```ts
 * import { CompensationScope, ok, ResultPipeline, ResultPipelineStepContext } from "@pipe/pipeline";
 * const scope = new CompensationScope();
 * const context = new ResultPipelineStepContext({ stepName: "shards", compensationScope: scope });
 * const result = await ResultPipeline.fanOut(
 *   ["s1", "s2"].map((shard) => (ctx) => {
 *     ctx.registerCompensation(() => console.log(`undo ${shard}`));
 *     return ok(shard);
 *   }),
 *   { context },
 * );
 * console.log(result.isOk, scope.size); // true 2: a later stage can still roll them back
 * ```
 */
export const ResultPipeline: ResultPipelineApi = Object.freeze({
  fanOut: whenAll,
  race: whenAny,
  retry,
  withTimeout,
  saga: (): ResultSagaBuilder => new ResultSagaBuilder(),
});
