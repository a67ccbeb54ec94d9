import { Result as BaseResult, type Result as BaseResultType, type ResultNamespace } from "@pipe/result";
import { runCompensation } from "./run-compensation.ts";
import { tieredFallback } from "./tiered-fallback.ts";
import { whenAll } from "./when-all.ts";
import { whenAny } from "./when-any.ts";

/**
 * A success or a failure: the `Result<T>` of `@pipe/result` (re-exported so a ported tutorial imports one package).
 *
 * @example
 * ```ts
 * import { ok, type Result } from "@pipe/pipeline";
 * const r: Result<number> = ok(1);
 * ```
 */
export type Result<T> = BaseResultType<T>;

/** The `Result` namespace of `@pipe/result` plus the orchestration members of `@pipe/pipeline`. */
export interface PipelineResultNamespace extends ResultNamespace {
  /** Runs operations concurrently and collects their values in order; see {@link whenAll}. */
  readonly whenAll: typeof whenAll;
  /** First success wins; see {@link whenAny}. */
  readonly whenAny: typeof whenAny;
  /** Replays a compensation scope under a policy; see {@link runCompensation}. */
  readonly runCompensation: typeof runCompensation;
  /** Tiers in sequence, strategies racing inside a tier; see {@link tieredFallback}. */
  readonly tieredFallback: typeof tieredFallback;
}

/**
 * `Result` of `@pipe/result` (`ok`, `fail`, `try`, `tryAsync`, `all`, ...) plus `whenAll`, `whenAny`,
 * `runCompensation` and `tieredFallback`, so `Result.whenAll(...)` and `Result.runCompensation(...)` read as in
 * the seed tutorials.
 *
 * Details: a frozen object; the members are the same functions as the named exports.
 *
 * @example
 * ```ts
 * import { CompensationScope, Result, ResultExecutionPolicy } from "@pipe/pipeline";
 * const scope = new CompensationScope();
 * const all = await Result.whenAll([() => Result.ok(1), () => Result.ok(2)]);
 * console.log(all.isOk && all.value); // [1, 2]
 * await Result.runCompensation(ResultExecutionPolicy.none, scope);
 * ```
 */
export const Result: PipelineResultNamespace = Object.freeze({
  ...(BaseResult as ResultNamespace),
  whenAll,
  whenAny,
  runCompensation,
  tieredFallback,
}) as PipelineResultNamespace;
