import type { TimeProvider } from "@pipe/channels";
import type { PipeError } from "@pipe/result";
import type { ResultCompensationPolicy } from "./compensation-policy.ts";
import type { ResultExecutionPolicy } from "./execution-policy.ts";
import type { ResultRetryPolicy } from "./retry-policy.ts";
import type { ResultPipelineStepContext } from "./step-context.ts";

/**
 * Options shared by the `ResultPipeline` orchestrators (`fanOut`, `race`, `retry`, `withTimeout`,
 * `Result.tieredFallback`, sagas).
 *
 * Details: `policy` is a `ResultExecutionPolicy` (or just its retry or compensation half; default
 * `ResultExecutionPolicy.none`: one attempt, `sequentialReverse` rollback). `timeProvider` defaults to the
 * context's, then `TimeProvider.system`. The operations see a signal linked to `signal` and `context.signal`.
 * On success the operations' compensations go into `context`'s scope when a context is given, else they are
 * attached to the returned Result. Rollbacks run with `compensationSignal` (default: a signal that never
 * aborts, so an aborted pipeline still rolls back completely).
 *
 * @example
 * ```ts
 * import { ResultExecutionPolicy, ResultRetryPolicy, type OrchestrationOptions } from "@pipe/pipeline";
 * const options: OrchestrationOptions = { policy: ResultExecutionPolicy.none.withRetry(ResultRetryPolicy.fixed(3, 10)) };
 * ```
 */
export interface OrchestrationOptions {
  /** Retry and compensation policy (default `ResultExecutionPolicy.none`). */
  readonly policy?: ResultExecutionPolicy | ResultRetryPolicy | ResultCompensationPolicy;
  /** Clock for back-off and deadlines (default: the context's, else `TimeProvider.system`). */
  readonly timeProvider?: TimeProvider;
  /** Cancels the operations; the orchestrator then returns `error.canceled` after rolling back. */
  readonly signal?: AbortSignal;
  /** Where successful operations' compensations go (else they are attached to the returned Result). */
  readonly context?: ResultPipelineStepContext;
  /** Prefix of the operations' step names (default: the context's step name, or the orchestrator's name). */
  readonly stepName?: string;
  /** Signal handed to rollbacks (default: never aborts). */
  readonly compensationSignal?: AbortSignal;
  /**
   * Called with rollback failures that cannot be reported in the returned Result (for example the rollback of
   * a race's losers when the race succeeded). Rollback failures of a failing orchestration are reported in
   * `error.metadata.compensationError` instead.
   */
  readonly onCompensationError?: (error: PipeError) => void;
}

/** Options of `ResultPipeline.fanOut` / `Result.whenAll`. */
export interface FanOutOptions extends OrchestrationOptions {
  /**
   * Most operations in flight at once (default: all). With a limit, operations not yet started when one fails
   * or the signal aborts are never started.
   */
  readonly concurrency?: number;
}
