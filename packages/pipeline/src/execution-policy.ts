import { ResultCompensationPolicy } from "./compensation-policy.ts";
import { ResultRetryPolicy } from "./retry-policy.ts";

/**
 * A retry policy plus a compensation policy: what orchestrators do when an operation fails.
 *
 * When to use: pass `{ policy }` to `ResultPipeline.fanOut`, `race`, `retry`, `withTimeout`,
 * `Result.tieredFallback` or a saga, or hand it to `Result.runCompensation`.
 *
 * Details: `ResultExecutionPolicy.none` tries once and compensates `sequentialReverse` (the .NET original's
 * `None` silently dropped compensations). `withRetry` accepts a `ResultRetryPolicy` or any iterable of delays;
 * both `with*` methods return new immutable policies.
 *
 * Gotchas: to really skip compensation use `withCompensation(ResultCompensationPolicy.none)`.
 *
 * @example
 * ```ts
 * import { ResultCompensationPolicy, ResultExecutionPolicy, ResultRetryPolicy } from "@pipe/pipeline";
 * const policy = ResultExecutionPolicy.none
 *   .withRetry(ResultRetryPolicy.exponential(3, 25, 2, 500))
 *   .withCompensation(ResultCompensationPolicy.sequentialReverse);
 * console.log(policy.retry.maxAttempts); // 3
 * ```
 */
export class ResultExecutionPolicy {
  /** No retry; compensate newest first (`sequentialReverse`). */
  static readonly none: ResultExecutionPolicy = new ResultExecutionPolicy(
    ResultRetryPolicy.none,
    ResultCompensationPolicy.sequentialReverse,
  );

  /** The retry policy. */
  readonly retry: ResultRetryPolicy;
  /** The compensation policy. */
  readonly compensation: ResultCompensationPolicy;

  /** Creates a policy from its two halves (defaults: no retry, `sequentialReverse`). */
  constructor(
    retry: ResultRetryPolicy | Iterable<number> = ResultRetryPolicy.none,
    compensation: ResultCompensationPolicy = ResultCompensationPolicy.sequentialReverse,
  ) {
    this.retry = ResultRetryPolicy.of(retry);
    this.compensation = compensation;
    Object.freeze(this);
  }

  /** A copy with another retry policy (or an iterable of delays). */
  withRetry(retry: ResultRetryPolicy | Iterable<number>): ResultExecutionPolicy {
    return new ResultExecutionPolicy(retry, this.compensation);
  }

  /** A copy with another compensation policy. */
  withCompensation(compensation: ResultCompensationPolicy): ResultExecutionPolicy {
    if (!(compensation instanceof ResultCompensationPolicy)) {
      throw new TypeError("ResultExecutionPolicy.withCompensation: expected a ResultCompensationPolicy.");
    }
    return new ResultExecutionPolicy(this.retry, compensation);
  }

  /** Normalises what callers may pass as `policy` (a helper the package uses internally; safe to call). */
  static of(
    policy: ResultExecutionPolicy | ResultRetryPolicy | ResultCompensationPolicy | undefined,
  ): ResultExecutionPolicy {
    if (policy === undefined) return ResultExecutionPolicy.none;
    if (policy instanceof ResultExecutionPolicy) return policy;
    if (policy instanceof ResultCompensationPolicy)
      return ResultExecutionPolicy.none.withCompensation(policy);
    return ResultExecutionPolicy.none.withRetry(policy);
  }
}
